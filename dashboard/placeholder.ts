// The page served at / until the wall display lands: says the collector runs and where the API is.
export const PLACEHOLDER_HTML = `<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><title>Pantau</title>
<style>body{font-family:system-ui,sans-serif;margin:3rem;color:#1d2b36}code{background:#eef2f5;padding:.1rem .3rem}</style></head>
<body>
<h1>Pantau</h1>
<p>Kolektor berjalan. Tampilan dinding (dashboard) menyusul; sementara itu gunakan API:
<code>/api/v1/status</code>, <code>/api/v1/usage</code>, <code>/metrics</code>.</p>
<p lang="en">The collector is running. The wall display comes with the dashboard issue; meanwhile use the API.</p>
</body>
</html>
`;
