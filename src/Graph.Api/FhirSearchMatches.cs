using System.Text.Json;
using Fhir.Server.Search;

namespace Graph.Api;

/// <summary>How the portal's services read FHIR: a search, as GET /fhir/[type]?[query] would answer it, as a list of the matches.</summary>
public static class FhirSearchMatches
{
    private const string SearchBase = "urn:portal";

    /// <summary>The resources of <paramref name="type"/> that match (entries with search.mode include are left out).</summary>
    public static async Task<List<JsonElement>> MatchesAsync(this IFhirSearch search, string type, string query, CancellationToken ct)
    {
        var bytes = await search.SearchBundleAsync(type, query, SearchBase, ct);
        using var bundle = JsonDocument.Parse(bytes);
        var result = new List<JsonElement>();
        if (bundle.RootElement.TryGetProperty("entry", out var entries))
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.TryGetProperty("resource", out var resource) && Str(resource, "resourceType") == type
                    && (!entry.TryGetProperty("search", out var s) || Str(s, "mode") != "include"))
                    result.Add(resource.Clone());
            }
        }
        return result;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
