// Interactive API docs from the server's own /openapi.json, with Swagger UI from npm
// (served under /vendor, no CDN; a separate file because the CSP forbids inline scripts).
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
