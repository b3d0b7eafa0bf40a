using System.Text;
using System.Text.Json;
using Fhir.Server.Features.Capabilities;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Security;
using Fhir.Server.Rest;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Search.Parsing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Search;

/// <summary>
/// The search interactions (https://hl7.org/fhir/R4/http.html#search): GET and POST _search at type
/// and system level, compartment search (https://hl7.org/fhir/R4/compartmentdefinition.html) and
/// type-level <c>$reindex</c>.
/// </summary>
public static class SearchEndpoints
{
    public const string ReindexDefinition = "http://huisartsportaal.nl/fhir/OperationDefinition/reindex";

    public static RouteGroupBuilder MapFhirSearch(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("", SystemSearch).WithMetadata(new AppliesSearchRestrictionAttribute());
        fhir.MapPost("/_search", SystemSearchPost).WithMetadata(new AppliesSearchRestrictionAttribute());
        fhir.MapGet("/{type}", TypeSearch).WithMetadata(new AppliesSearchRestrictionAttribute());
        fhir.MapPost("/{type}/_search", TypeSearchPost).WithMetadata(new AppliesSearchRestrictionAttribute());
        fhir.MapGet("/{type}/{id}/{compartmentType}", CompartmentSearch).WithMetadata(new AppliesSearchRestrictionAttribute());
        fhir.MapPost("/{type}/$reindex", Reindex);

        var contributions = ((IEndpointRouteBuilder)fhir).ServiceProvider.GetRequiredService<CapabilityContributions>();
        var registry = ((IEndpointRouteBuilder)fhir).ServiceProvider.GetRequiredService<SearchParameterRegistry>();
        contributions.TypeInteractions.Add("search-type");
        contributions.SystemInteractions.Add("search-system");
        contributions.TypeOperations.Add(("reindex", ReindexDefinition));
        contributions.WriteSearchParameters = (w, type) => WriteSearchParameters(w, registry, type);
        return fhir;
    }

    private static void WriteSearchParameters(System.Text.Json.Utf8JsonWriter w, SearchParameterRegistry registry, string type)
    {
        w.WriteStartArray("searchParam");
        foreach (var (code, parameter) in registry.For(type).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (parameter.Type is "special" || (parameter.Expression is null && code is not ("_id" or "_lastUpdated")))
                continue;
            w.WriteStartObject();
            w.WriteString("name", code);
            w.WriteString("definition", parameter.Url);
            w.WriteString("type", parameter.Type);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static Task SystemSearch(HttpContext context, FhirSearch search) =>
        Respond(context, search, null, Query(context), null);

    private static async Task SystemSearchPost(HttpContext context, FhirSearch search) =>
        await Respond(context, search, null, [.. Query(context), .. await FormAsync(context)], null);

    private static Task TypeSearch(HttpContext context, string type, FhirSearch search) =>
        Respond(context, search, type, Query(context), null);

    private static async Task TypeSearchPost(HttpContext context, string type, FhirSearch search) =>
        await Respond(context, search, type, [.. Query(context), .. await FormAsync(context)], null);

    private static Task CompartmentSearch(HttpContext context, string type, string id, string compartmentType, FhirSearch search)
    {
        if (type != "Patient")
            throw new FhirException(404, IssueCodes.NotFound, $"Compartment search is supported for the Patient compartment, not {type}");
        Features.Resources.ResourceService.EnsureId(id);
        return Respond(context, search, compartmentType, Query(context), ("Patient", id));
    }

    private static async Task Respond(HttpContext context, FhirSearch search, string? type, List<SearchArgument> arguments, (string, string)? compartment)
    {
        var baseUrl = FhirRequest.BaseUrl(context);
        var path = baseUrl + context.Request.Path.Value![FhirEndpoints.Prefix.Length..];
        if (path.EndsWith("/_search", StringComparison.Ordinal))
            path = path[..^"/_search".Length];
        // Every match, _include, _revinclude, chain and _has target is limited to what the caller may see.
        var policy = context.RequestServices.GetRequiredService<IFhirAccessPolicy>();
        var allowed = await policy.GetSearchRestrictionAsync(context.User, type, context.RequestAborted);
        var restriction = new SearchRestriction(allowed.PatientIds, allowed.OrganizationId);
        var input = new SearchInput(type, arguments, baseUrl, path.TrimEnd('/'), Strict(context), compartment, restriction);
        await FhirResponses.WriteBytesAsync(context, search.Search(input, FhirAccessJournal.Of(context)));
    }

    /// <summary>https://hl7.org/fhir/R4/search.html#errors: Prefer: handling=strict or lenient (the default).</summary>
    private static bool Strict(HttpContext context)
    {
        foreach (var header in context.Request.Headers[KnownHeaders.Prefer])
        {
            foreach (var part in (header ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.Equals("handling=strict", StringComparison.OrdinalIgnoreCase))
                    return true;
            }
        }
        return false;
    }

    private static List<SearchArgument> Query(HttpContext context) =>
        SearchRequest.ParseQuery(context.Request.QueryString.Value ?? "");

    private static async Task<List<SearchArgument>> FormAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType ?? "";
        if (context.Request.ContentLength is 0 || (contentType.Length == 0 && context.Request.ContentLength is null))
            return [];
        if (!contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            throw new FhirException(415, IssueCodes.NotSupported, $"POST _search takes application/x-www-form-urlencoded, not {contentType}");
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return SearchRequest.ParseQuery(await reader.ReadToEndAsync(context.RequestAborted));
    }

    private static async Task Reindex(HttpContext context, string type, [FromServices] Reindexer reindexer, [FromServices] Features.Resources.ResourceService service)
    {
        service.EnsureType(type);
        var count = await reindexer.ReindexAsync(type, context.RequestAborted);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Parameters");
            w.WriteStartArray("parameter");
            w.WriteStartObject();
            w.WriteString("name", "count");
            w.WriteNumber("valueInteger", count);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        await FhirResponses.WriteBytesAsync(context, buffer.ToArray());
    }
}
