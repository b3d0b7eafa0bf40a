using System.Text.Json;
using Graph.Engine.Http;
using Graph.Engine.PeerHost;
using Graph.Engine.Types;

// A small host serving the peer test schema, for the npm peer suite (tests/peers/graphql).
// Usage: dotnet Graph.Engine.PeerHost.dll <port> <schema.graphql> <data.json>
var port = args.Length > 0 ? int.Parse(args[0]) : 4010;
var sdl = File.ReadAllText(args.Length > 1 ? args[1] : "schema.graphql");
using var json = JsonDocument.Parse(File.ReadAllText(args.Length > 2 ? args[2] : "data.json"));
var data = InputCoercion.FromJsonObject(json.RootElement);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Services.AddGraphEngine(_ => PeerSchema.Build(sdl, data), o => o.MaxCost = 100_000);
var app = builder.Build();
app.MapGraphQL("/graphql");
app.MapGraphQL("/graphql-closed", o => o.AllowIntrospection = false);
// A query-only schema, for documents that need an operation type the main schema has.
app.MapGraphQL("/graphql-mini", new Graph.Engine.Execution.GraphExecutor(SchemaBuilder.FromSdl(PeerSchema.MiniSdl).Bind("Query", "a", _ => 1).Build()));
app.MapGet("/sdl", (Graph.Engine.Execution.GraphExecutor executor) => executor.Schema.Print());
app.MapGet("/health", () => "ok");
app.Run();
