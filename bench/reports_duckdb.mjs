// reports_duckdb.mjs: read a clinfuse output folder with DuckDB, an
// independent Parquet and CSV reader (DuckDB is not a Debian package here).
//
//   d=$(mktemp -d) && (cd "$d" && npm install @duckdb/node-api@1.5.6-r.1)
//   NODE_PATH="$d/node_modules" node bench/reports_duckdb.mjs OUT
//
// Prints each Parquet table's row count and column types, the clinfuse
// schema metadata of risks.parquet, an embedding's length and the row count
// of risks.csv. Exits non-zero if DuckDB cannot read a file.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DuckDBInstance } = require('@duckdb/node-api');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node reports_duckdb.mjs OUTPUT_FOLDER');
  process.exit(2);
}
const con = await (await DuckDBInstance.create(':memory:')).connect();
const rows = async (sql) => (await con.runAndReadAll(sql)).getRows();
const path = (name) => `'${dir.replaceAll("'", "''")}/${name}'`;

for (const t of ['risks', 'contributions', 'embeddings', 'edges', 'rejected']) {
  const src = `read_parquet(${path(t + '.parquet')})`;
  const [[n]] = await rows(`SELECT count(*) FROM ${src}`);
  const cols = await rows(`DESCRIBE SELECT * FROM ${src}`);
  console.log(`${t}.parquet: ${n} rows; ${cols.map((c) => `${c[0]} ${c[1]}`).join(', ')}`);
}
const meta = await rows(`SELECT key::VARCHAR, value::VARCHAR
  FROM parquet_kv_metadata(${path('risks.parquet')}) WHERE key::VARCHAR LIKE 'clinfuse%'`);
console.log('risks.parquet metadata:', meta.map((m) => m.join('=')).join(', '));
const emb = await rows(`SELECT len(embedding) FROM read_parquet(${path('embeddings.parquet')})
  LIMIT 1`);
console.log('first embedding length:', emb.length ? emb[0][0] : 'no rows');
const [[csv]] = await rows(`SELECT count(*) FROM read_csv(${path('risks.csv')}, header=true)`);
console.log(`risks.csv: ${csv} rows`);
