using System.Globalization;
using System.Text;
using System.Text.Json;
using Fhir.Server.Features.Bundles;
using Fhir.Server.Features.Capabilities;
using Fhir.Server.Features.History;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Features.Security;
using Fhir.Server.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Fhir.Server.Rest;

/// <summary>
/// The RESTful API of https://hl7.org/fhir/R4/http.html. Handlers are thin: they read the request,
/// call <see cref="ResourceService"/> and write the answer.
/// </summary>
public static class FhirEndpoints
{
    public const string Prefix = "/fhir";

    public static RouteGroupBuilder MapFhirRest(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup(Prefix);
        fhir.AddEndpointFilter<FhirAccessFilter>();
        fhir.MapGet("/metadata", Metadata);
        fhir.MapPost("/", Bundle);
        fhir.MapPut("/{type}", ConditionalUpdate);
        fhir.MapDelete("/{type}", ConditionalDelete);
        fhir.MapGet("/_history", SystemHistory);
        fhir.MapPost("/{type}", Create);
        fhir.MapGet("/{type}/_history", TypeHistory);
        fhir.MapPost("/{type}/$validate", ValidateType);
        fhir.MapGet("/{type}/{id}", Read);
        fhir.MapPut("/{type}/{id}", Update);
        fhir.MapPatch("/{type}/{id}", Patch);
        fhir.MapDelete("/{type}/{id}", Delete);
        fhir.MapGet("/{type}/{id}/_history", InstanceHistory);
        fhir.MapGet("/{type}/{id}/_history/{vid}", VRead);
        fhir.MapPost("/{type}/{id}/$validate", ValidateInstance);
        return fhir;
    }

    /// https://hl7.org/fhir/R4/http.html#capabilities
    private static Task Metadata(HttpContext context, CapabilityStatementBuilder capabilities) =>
        FhirResponses.WriteBytesAsync(context, capabilities.Render(FhirRequest.BaseUrl(context)));

    private static async Task Read(HttpContext context, string type, string id, ResourceService service)
    {
        var resource = FhirAccessFilter.Prefetched(context, type, id) is { IsDeleted: false, Json: not null } prefetched
            ? prefetched
            : await service.ReadAsync(type, id, context.RequestAborted);
        FhirResponses.SetVersionHeaders(context, resource);
        if (FhirResponses.NotModified(context, resource))
        {
            context.Response.StatusCode = 304;
            return;
        }
        await FhirResponses.WriteBytesAsync(context, resource.Json!);
    }

    private static async Task VRead(HttpContext context, string type, string id, string vid, ResourceService service)
    {
        var resource = await service.ReadVersionAsync(type, id, vid, context.RequestAborted);
        FhirResponses.SetVersionHeaders(context, resource);
        await FhirResponses.WriteBytesAsync(context, resource.Json!);
    }

    /// https://hl7.org/fhir/R4/http.html#transaction
    private static async Task Bundle(HttpContext context, BundleProcessor bundles)
    {
        var body = await FhirRequest.ReadBodyAsync(context, KnownMediaTypes.FhirJson, KnownMediaTypes.Json);
        var response = await bundles.ProcessAsync(body, FhirRequest.BaseUrl(context), FhirRequest.PreferredReturn(context), context.RequestAborted,
            FhirAccessJournal.Of(context));
        await FhirResponses.WriteBytesAsync(context, response);
    }

    private static async Task Create(HttpContext context, string type, ResourceService service, BundleProcessor bundles)
    {
        service.EnsureType(type);
        var body = await FhirRequest.ReadBodyAsync(context, KnownMediaTypes.FhirJson, KnownMediaTypes.Json);
        var condition = context.Request.Headers[KnownHeaders.IfNoneExist].ToString();
        if (condition.Length > 0)
        {
            // https://hl7.org/fhir/R4/http.html#ccreate
            var (status, resource) = await bundles.ExecuteConditionalAsync("POST", type, null, body, condition, null, FhirRequest.BaseUrl(context), context.RequestAborted, FhirAccessJournal.Of(context));
            await FhirResponses.WriteWriteResultAsync(context, status, resource!, status == 201 ? $"Created {type}/{resource!.Id}" : $"{type}/{resource!.Id} already matches {condition}; nothing created");
            return;
        }
        var outcome = await service.CreateAsync(type, body, context.RequestAborted);
        // The id is the server's: only now can the access log name the new resource (and a new Patient's own record).
        FhirAccessJournal.Of(context)?.Add(new FhirAccessRecord(FhirInteraction.Create, type, outcome.Resource.Id, null, outcome.Resource.Json));
        await FhirResponses.WriteWriteResultAsync(context, 201, outcome.Resource, $"Created {type}/{outcome.Resource.Id}");
    }

    private static async Task Update(HttpContext context, string type, string id, ResourceService service)
    {
        service.EnsureType(type);
        var body = await FhirRequest.ReadBodyAsync(context, KnownMediaTypes.FhirJson, KnownMediaTypes.Json);
        var outcome = await service.UpdateAsync(type, id, body, FhirRequest.IfMatch(context), context.RequestAborted);
        await FhirResponses.WriteWriteResultAsync(context, outcome.Created ? 201 : 200, outcome.Resource,
            outcome.Created ? $"Created {type}/{id}" : $"Updated {type}/{id} to version {outcome.Resource.Version}");
    }

    /// https://hl7.org/fhir/R4/http.html#cond-update
    private static async Task ConditionalUpdate(HttpContext context, string type, ResourceService service, BundleProcessor bundles)
    {
        service.EnsureType(type);
        var query = RequireCondition(context, "update");
        var body = await FhirRequest.ReadBodyAsync(context, KnownMediaTypes.FhirJson, KnownMediaTypes.Json);
        var (status, resource) = await bundles.ExecuteConditionalAsync("PUT", type, query, body, null, FhirRequest.IfMatch(context), FhirRequest.BaseUrl(context), context.RequestAborted,
            FhirAccessJournal.Of(context));
        await FhirResponses.WriteWriteResultAsync(context, status, resource!, status == 201 ? $"Created {type}/{resource!.Id}" : $"Updated {type}/{resource!.Id}");
    }

    /// https://hl7.org/fhir/R4/http.html#3.1.0.7.1 (conditional delete of a single match)
    private static async Task ConditionalDelete(HttpContext context, string type, ResourceService service, BundleProcessor bundles)
    {
        service.EnsureType(type);
        var query = RequireCondition(context, "delete");
        var (_, deleted) = await bundles.ExecuteConditionalAsync("DELETE", type, query, ReadOnlyMemory<byte>.Empty, null, FhirRequest.IfMatch(context), FhirRequest.BaseUrl(context),
            context.RequestAborted, FhirAccessJournal.Of(context));
        if (deleted is not null)
            context.Response.Headers.ETag = deleted.ETag;
        context.Response.StatusCode = 204;
    }

    private static string RequireCondition(HttpContext context, string interaction)
    {
        var query = context.Request.QueryString.Value?.TrimStart('?') ?? "";
        if (query.Length == 0)
            throw new FhirException(400, IssueCodes.Invalid, $"A conditional {interaction} needs search parameters, e.g. ?identifier=system|value");
        return query;
    }

    private static async Task Patch(HttpContext context, string type, string id, ResourceService service)
    {
        service.EnsureType(type);
        var body = await FhirRequest.ReadBodyAsync(context, KnownMediaTypes.JsonPatch);
        var outcome = await service.PatchAsync(type, id, body, FhirRequest.IfMatch(context), context.RequestAborted);
        await FhirResponses.WriteWriteResultAsync(context, 200, outcome.Resource,
            $"Patched {type}/{id} to version {outcome.Resource.Version}");
    }

    private static async Task Delete(HttpContext context, string type, string id, ResourceService service)
    {
        var deleted = await service.DeleteAsync(type, id, FhirRequest.IfMatch(context), context.RequestAborted);
        if (deleted is not null)
            context.Response.Headers.ETag = deleted.ETag;
        if (FhirRequest.PreferredReturn(context) == "OperationOutcome")
        {
            await FhirResponses.WriteOutcomeAsync(context, 200, [OutcomeIssue.Information(
                deleted is null ? $"{type}/{id} did not exist; nothing to delete" : $"Deleted {type}/{id}")]);
            return;
        }
        context.Response.StatusCode = 204;
    }

    private static Task SystemHistory(HttpContext context, ResourceService service, IOptions<FhirServerOptions> options) =>
        History(context, service, options.Value, null, null);

    private static Task TypeHistory(HttpContext context, string type, ResourceService service, IOptions<FhirServerOptions> options) =>
        History(context, service, options.Value, type, null);

    private static Task InstanceHistory(HttpContext context, string type, string id, ResourceService service, IOptions<FhirServerOptions> options) =>
        History(context, service, options.Value, type, id);

    /// https://hl7.org/fhir/R4/http.html#history ; paged newest first with a stable cursor.
    private static async Task History(HttpContext context, ResourceService service, FhirServerOptions options, string? type, string? id)
    {
        var query = context.Request.Query;
        var count = options.DefaultPageSize;
        if (query.TryGetValue("_count", out var countText))
        {
            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count))
                throw FhirException.BadRequest($"_count={countText} is not a whole number");
            count = Math.Clamp(count, 1, options.MaxPageSize);
        }
        DateTimeOffset? since = null;
        if (query.TryGetValue("_since", out var sinceText))
            since = ParseInstant(sinceText.ToString(), "_since");
        long? before = null, beforeAudit = null;
        if (query.TryGetValue("_cursor", out var cursorText))
        {
            // One file's position, or for the history of every type the portal file's and the audit file's ("p-a").
            var parts = cursorText.ToString().Split('-');
            var positions = parts.Select(part => long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : (long?)null).ToList();
            if (parts.Length > (type is null ? 2 : 1) || positions.Any(seq => seq is null))
                throw FhirException.BadRequest($"_cursor={cursorText} is not a cursor this server gave out");
            before = positions[0];
            beforeAudit = positions.Count == 2 ? positions[1] : null;
        }
        var page = await service.HistoryAsync(new HistoryQuery(type, id, since, count, before, WithTotal: id is not null, beforeAudit), context.RequestAborted);
        if (id is not null && page.Entries.Count == 0 && before is null && since is null)
            throw FhirException.NotFound(type!, id);

        var baseUrl = FhirRequest.BaseUrl(context);
        var path = baseUrl + (type is null ? "" : "/" + type) + (id is null ? "" : "/" + id) + "/_history";
        var self = path + context.Request.QueryString.Value;
        string? next = null;
        if (page.NextBeforeSeq is { } nextSeq)
        {
            var link = new StringBuilder(path).Append("?_count=").Append(count);
            if (sinceText.Count > 0)
                link.Append("&_since=").Append(Uri.EscapeDataString(sinceText.ToString()));
            link.Append("&_cursor=").Append(nextSeq);
            if (page.NextBeforeAuditSeq is { } nextAudit)
                link.Append('-').Append(nextAudit);
            next = link.ToString();
        }
        await FhirResponses.WriteBytesAsync(context, HistoryBundleWriter.Render(page, baseUrl, self, next));
    }

    /// https://hl7.org/fhir/R4/resource-operation-validate.html
    private static Task ValidateType(HttpContext context, string type, ResourceService service) =>
        Validate(context, type, null, service);

    private static Task ValidateInstance(HttpContext context, string type, string id, ResourceService service) =>
        Validate(context, type, id, service);

    private static async Task Validate(HttpContext context, string type, string? id, ResourceService service)
    {
        service.EnsureType(type);
        if (id is not null)
            ResourceService.EnsureId(id);
        var body = await FhirRequest.ReadBodyAsync(context, KnownMediaTypes.FhirJson, KnownMediaTypes.Json);
        var resource = UnwrapParameters(body, type);
        var issues = service.Check(type, resource);
        await FhirResponses.WriteOutcomeAsync(context, 200, issues);
    }

    /// <summary>$validate accepts the resource itself or a Parameters with a 'resource' parameter.</summary>
    private static ReadOnlyMemory<byte> UnwrapParameters(ReadOnlyMemory<byte> body, string type)
    {
        if (type == "Parameters")
            return body;
        using var document = FhirJson.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("resourceType", out var rt) || rt.ValueKind != JsonValueKind.String || rt.GetString() != "Parameters")
            return body;
        if (root.TryGetProperty("parameter", out var parameters) && parameters.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in parameters.EnumerateArray())
            {
                if (p.ValueKind == JsonValueKind.Object && p.TryGetProperty("name", out var name) && name.ValueEquals("resource")
                    && p.TryGetProperty("resource", out var inner))
                    return JsonSerializer.SerializeToUtf8Bytes(inner);
            }
        }
        throw FhirException.BadRequest("The Parameters resource has no 'resource' parameter to validate");
    }

    /// <summary>Parses a FHIR instant or dateTime given as a query parameter; a value without zone is taken as UTC.</summary>
    public static DateTimeOffset ParseInstant(string value, string parameter)
    {
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];
        if (DateTimeOffset.TryParseExact(value, formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return parsed;
        throw FhirException.BadRequest($"{parameter}={value} is not a FHIR instant such as 2026-01-31T12:00:00Z");
    }
}
