// Serves one file's bytes at /fhir/Patient/{id}, with the same headers the FHIR read sends, so the
// benchmark can show how close the real server comes to what Kestrel alone can do.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var body = await File.ReadAllBytesAsync(app.Configuration["Body"] ?? throw new InvalidOperationException("--Body=<file> is required"));
app.MapGet("/fhir/Patient/{id}", (HttpContext context, string id) =>
{
    context.Response.ContentType = "application/fhir+json; charset=utf-8";
    context.Response.ContentLength = body.Length;
    context.Response.Headers.ETag = "W/\"1\"";
    context.Response.Headers.LastModified = "Sun, 22 Nov 2026 10:00:00 GMT";
    return context.Response.Body.WriteAsync(body).AsTask();
});
app.Run();
