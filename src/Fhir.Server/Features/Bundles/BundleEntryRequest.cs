using System.Globalization;
using System.Text.Json;
using Fhir.Server.Features.Outcomes;

namespace Fhir.Server.Features.Bundles;

/// <summary>One parsed Bundle.entry of a transaction or batch: what to do, to what.</summary>
internal sealed class BundleEntryRequest
{
    public required int Index { get; init; }
    public required string Method { get; init; }
    public required string Url { get; init; }
    public string? FullUrl { get; init; }
    /// <summary>The entry's resource (a JSON object), in the document of the request body.</summary>
    public JsonElement? Resource { get; init; }
    public string? Type { get; init; }
    public string? Id { get; set; }
    public string? VersionId { get; init; }
    public string? Query { get; init; }
    public string? IfNoneExist { get; init; }
    public long? IfMatch { get; init; }

    /// <summary>A REST interaction run through the bundle rules; its errors name no entry.</summary>
    public bool Standalone { get; init; }

    /// <summary>The id a POST gets, or the id a conditional PUT resolved to, decided before the write.</summary>
    public string? AssignedId { get; set; }

    public string Location => $"Bundle.entry[{Index}]";

    /// <summary>Order of processing in a transaction: https://hl7.org/fhir/R4/http.html#trules</summary>
    public int Phase => Method switch
    {
        "DELETE" => 0,
        "POST" => 1,
        "PUT" or "PATCH" => 2,
        _ => 3,
    };

    public static BundleEntryRequest Parse(JsonElement entry, int index)
    {
        var where = $"Bundle.entry[{index}]";
        if (entry.ValueKind != JsonValueKind.Object)
            throw Invalid(where, "is not an object");
        if (!entry.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object)
            throw Invalid(where, "has no request (method and url)");
        var method = FhirJson.StringProperty(request, "method");
        if (method is not ("GET" or "HEAD" or "POST" or "PUT" or "PATCH" or "DELETE"))
            throw Invalid($"{where}.request.method", $"'{method}' is not GET, HEAD, POST, PUT, PATCH or DELETE");
        var url = FhirJson.StringProperty(request, "url");
        if (string.IsNullOrWhiteSpace(url))
            throw Invalid($"{where}.request.url", "is missing");
        JsonElement? resource = entry.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.Object ? r : null;
        if (method is "POST" or "PUT" && resource is null)
            throw Invalid($"{where}.resource", $"is required for {method}");

        var (path, query) = SplitQuery(url.TrimStart('/'));
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? type = segments.Length > 0 ? segments[0] : null;
        string? id = segments.Length > 1 ? segments[1] : null;
        string? version = segments.Length > 3 && segments[2] == "_history" ? segments[3] : null;
        if (segments.Length is 3 or > 4 || (segments.Length == 4 && segments[2] != "_history"))
        {
            if (method != "GET")
                throw Invalid($"{where}.request.url", $"'{url}' is not [type], [type]/[id] or [type]?[query]");
        }
        long? ifMatch = null;
        if (FhirJson.StringProperty(request, "ifMatch") is { } ifMatchText)
        {
            ifMatch = Rest.FhirRequest.ParseVersion(ifMatchText)
                ?? throw Invalid($"{where}.request.ifMatch", $"'{ifMatchText}' is not a version ETag such as W/\"1\"");
        }
        var ifNoneExist = FhirJson.StringProperty(request, "ifNoneExist");
        var fullUrl = FhirJson.StringProperty(entry, "fullUrl");

        return new BundleEntryRequest
        {
            Index = index,
            Method = method,
            Url = url,
            FullUrl = fullUrl,
            Resource = resource,
            Type = type,
            Id = id,
            VersionId = version,
            Query = query,
            IfNoneExist = ifNoneExist?.TrimStart('?'),
            IfMatch = ifMatch,
        };
    }

    private static (string Path, string? Query) SplitQuery(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (url, null) : (url[..q], url[(q + 1)..]);
    }

    public static FhirException Invalid(string where, string what) =>
        new(400, IssueCodes.Invalid, $"{where} {what}", where);

    public string Describe() => $"{Method} {Url}";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}: {Describe()}");
}
