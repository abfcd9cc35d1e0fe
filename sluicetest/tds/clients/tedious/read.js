// Reads query results from a TDS server with tedious and prints each
// result as one JSON line, so that a Go test can compare what this
// independent client decodes with what go-mssqldb decodes.
//
//   node read.js HOST PORT DATABASE < queries (one per line)
//
// Values: null, numbers, booleans and strings as JSON; binary as
// {"hex": "..."}; dates as {"iso": "...", "ns": nanoseconds beyond the
// millisecond} (tedious reads datetime values as UTC with useUTC).
'use strict';
const { Connection, Request } = require('tedious');

const [host, port, database] = process.argv.slice(2);
const queries = require('fs').readFileSync(0, 'utf8').split('\n').filter((q) => q.trim() !== '');

function encode(v) {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return { hex: v.toString('hex') };
  if (v instanceof Date) return { iso: v.toISOString(), ns: v.nanosecondsDelta ? Math.round(v.nanosecondsDelta * 1e9) : 0 };
  return v;
}

const conn = new Connection({
  server: host,
  authentication: { type: 'default', options: { userName: 'sa', password: 'any' } },
  options: { port: Number(port), database, encrypt: false, trustServerCertificate: true, useUTC: true, rowCollectionOnRequestCompletion: true },
});

function run(i) {
  if (i === queries.length) {
    conn.close();
    return;
  }
  const req = new Request(queries[i], (err, _count, rows) => {
    if (err) {
      console.log(JSON.stringify({ error: err.message }));
    } else {
      const columns = rows.length > 0 ? rows[0].map((c) => c.metadata.colName) : [];
      console.log(JSON.stringify({ columns, rows: rows.map((r) => r.map((c) => encode(c.value))) }));
    }
    run(i + 1);
  });
  conn.execSql(req);
}

conn.on('connect', (err) => {
  if (err) {
    console.error('connect:', err.message);
    process.exit(1);
  }
  run(0);
});
conn.connect();
