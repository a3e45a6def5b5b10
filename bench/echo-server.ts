/** The baseline for bench/server.ts: a bare Bun server that parses the JSON body and sends it back. */
const port = Number(process.argv[2] ?? 0);
const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = await req.text();
    return new Response(JSON.stringify(JSON.parse(body)), { headers: { "content-type": "application/json" } });
  },
});
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.port}` }));
