using System.Text.Json;
using Graph.Engine.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Graph.Engine.Http;

/// <summary>Settings of one mapped GraphQL endpoint.</summary>
public sealed class GraphEndpointOptions
{
    public bool AllowIntrospection { get; set; } = true;
    public bool AllowGet { get; set; } = true;
    /// <summary>Largest accepted POST body; larger requests get 413 before any parsing.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
    /// <summary>Fills the request context (items such as the practice or tenant) from the HTTP request.</summary>
    public Action<HttpContext, RequestContext>? ConfigureRequest { get; set; }
}

/// <summary>Media types and headers named by GraphQL over HTTP.</summary>
public static class KnownMediaTypes
{
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const string Json = "application/json";
}

/// <summary>
/// GraphQL over HTTP: GET and POST, content negotiation between application/graphql-response+json
/// (preferred) and application/json, and status codes per media type.
/// https://graphql.github.io/graphql-over-http/draft/
/// </summary>
internal sealed class GraphQLHttpHandler(GraphExecutor executor, GraphEndpointOptions options)
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public async Task HandleAsync(HttpContext http)
    {
        var method = http.Request.Method;
        var isGet = HttpMethods.IsGet(method) && options.AllowGet;
        var allow = options.AllowGet ? "GET, POST" : "POST";
        if (!isGet && !HttpMethods.IsPost(method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            http.Response.Headers.Allow = allow;
            return;
        }

        var mediaType = Negotiate(http.Request.Headers.Accept);
        if (mediaType is null)
        {
            http.Response.StatusCode = StatusCodes.Status406NotAcceptable;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync("Accept application/graphql-response+json or application/json.", http.RequestAborted);
            return;
        }
        var legacy = mediaType == KnownMediaTypes.Json;

        GraphRequest? request;
        string? problem;
        if (isGet) (request, problem) = ReadQueryString(http.Request.Query);
        else
        {
            if (!IsJsonContentType(http.Request.ContentType))
            {
                http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("Content-Type must be application/json.", http.RequestAborted);
                return;
            }
            if (http.Request.ContentLength > options.MaxRequestBodyBytes)
            {
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = options.MaxRequestBodyBytes;
            try
            {
                (request, problem) = await ReadBodyAsync(http);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
        }
        if (request is null)
        {
            await WriteAsync(http, 400, mediaType, ExecutionResult.RequestError(new GraphError(problem ?? "Bad request.", ErrorCodes.BadUserInput)));
            return;
        }

        var context = new RequestContext { User = http.User, Services = http.RequestServices, CancellationToken = http.RequestAborted };
        options.ConfigureRequest?.Invoke(http, context);
        var policy = new ExecutionPolicy { AllowIntrospection = options.AllowIntrospection, AllowMutations = !isGet };
        var result = await executor.ExecuteAsync(request, context, policy);
        if (result.OperationNotAllowed)
        {
            http.Response.Headers.Allow = "POST";
            await WriteAsync(http, 405, mediaType, result);
            return;
        }
        var status = legacy || result.HasData ? 200 : 400;
        await WriteAsync(http, status, mediaType, result);
    }

    private static async Task WriteAsync(HttpContext http, int status, string mediaType, ExecutionResult result)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        ResultSerializer.Write(http.Response.BodyWriter, result);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return false;
        var parts = contentType.Split(';');
        if (!parts[0].Trim().Equals(KnownMediaTypes.Json, StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var p in parts.Skip(1))
        {
            var kv = p.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase)
                && !kv[1].Trim().Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    /// <summary>Picks the response media type; null when nothing acceptable. No Accept header means application/json.</summary>
    internal static string? Negotiate(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept)) return KnownMediaTypes.Json;
        string? best = null;
        var bestQ = -1.0;
        foreach (var header in accept)
        {
            foreach (var raw in (header ?? "").Split(','))
            {
                var parts = raw.Split(';');
                var type = parts[0].Trim().ToLowerInvariant();
                var q = 1.0;
                foreach (var p in parts.Skip(1))
                {
                    var kv = p.Split('=', 2);
                    if (kv.Length == 2 && kv[0].Trim() == "q" && double.TryParse(kv[1].Trim(), System.Globalization.CultureInfo.InvariantCulture, out var qq)) q = qq;
                    if (kv.Length == 2 && kv[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase) && !kv[1].Trim().Equals("utf-8", StringComparison.OrdinalIgnoreCase)) q = 0;
                }
                if (q <= 0) continue;
                string? candidate = type switch
                {
                    KnownMediaTypes.GraphQLResponseJson => KnownMediaTypes.GraphQLResponseJson,
                    KnownMediaTypes.Json => KnownMediaTypes.Json,
                    "*/*" or "application/*" => KnownMediaTypes.Json,
                    _ => null,
                };
                if (candidate is null) continue;
                if (q > bestQ || (q == bestQ && candidate == KnownMediaTypes.GraphQLResponseJson && best != candidate))
                {
                    best = candidate;
                    bestQ = q;
                }
            }
        }
        return best;
    }

    private static (GraphRequest?, string?) ReadQueryString(IQueryCollection query)
    {
        var q = query["query"];
        if (q.Count != 1 || string.IsNullOrEmpty(q[0])) return (null, "The query parameter is required.");
        IReadOnlyDictionary<string, object?>? variables = null;
        IReadOnlyDictionary<string, object?>? extensions = null;
        if (query.TryGetValue("variables", out var v) && !StringValues.IsNullOrEmpty(v))
        {
            if (!TryParseMap(v[0]!, out variables)) return (null, "The variables parameter must be a JSON object.");
        }
        if (query.TryGetValue("extensions", out var e) && !StringValues.IsNullOrEmpty(e))
        {
            if (!TryParseMap(e[0]!, out extensions)) return (null, "The extensions parameter must be a JSON object.");
        }
        var op = query["operationName"];
        return (new GraphRequest { Query = q[0]!, OperationName = StringValues.IsNullOrEmpty(op) ? null : op[0], Variables = variables, Extensions = extensions }, null);
    }

    private static bool TryParseMap(string json, out IReadOnlyDictionary<string, object?>? map)
    {
        map = null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Null) return true;
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return false;
            map = Types.InputCoercion.FromJsonObject(doc.RootElement);
            return true;
        }
        catch (JsonException) { return false; }
    }

    private static async Task<(GraphRequest?, string?)> ReadBodyAsync(HttpContext http)
    {
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted);
        }
        catch (JsonException) { return (null, "The request body is not valid JSON."); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "The request body must be a JSON object.");
            if (!root.TryGetProperty("query", out var q) || q.ValueKind != JsonValueKind.String) return (null, "The query parameter must be a string.");
            string? operationName = null;
            if (root.TryGetProperty("operationName", out var on))
            {
                if (on.ValueKind == JsonValueKind.String) operationName = on.GetString();
                else if (on.ValueKind != JsonValueKind.Null) return (null, "The operationName parameter must be a string.");
            }
            IReadOnlyDictionary<string, object?>? variables = null;
            if (root.TryGetProperty("variables", out var v))
            {
                if (v.ValueKind == JsonValueKind.Object) variables = Types.InputCoercion.FromJsonObject(v);
                else if (v.ValueKind != JsonValueKind.Null) return (null, "The variables parameter must be a map.");
            }
            IReadOnlyDictionary<string, object?>? extensions = null;
            if (root.TryGetProperty("extensions", out var e))
            {
                if (e.ValueKind == JsonValueKind.Object) extensions = Types.InputCoercion.FromJsonObject(e);
                else if (e.ValueKind != JsonValueKind.Null) return (null, "The extensions parameter must be a map.");
            }
            return (new GraphRequest { Query = q.GetString()!, OperationName = operationName, Variables = variables, Extensions = extensions }, null);
        }
    }
}
