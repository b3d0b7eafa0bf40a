using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.Rest;
using Fhir.Server.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Features.Security;

/// <summary>
/// Puts every /fhir interaction through <see cref="IFhirAccessPolicy"/> before its handler runs: the
/// scope check first (401/403 before anything else is looked at), then the data check with the current
/// version of the resource and, for create and update, the incoming body. /metadata stays public.
/// Search handlers additionally apply <see cref="IFhirAccessPolicy.GetSearchRestrictionAsync"/>.
/// </summary>
public sealed class FhirAccessFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        if (pattern.EndsWith("/metadata", StringComparison.Ordinal) || pattern.Contains(".well-known", StringComparison.Ordinal))
            return await next(invocation);

        var routeValues = context.Request.RouteValues;
        var type = routeValues["type"] as string;
        var id = routeValues["id"] as string;
        var interaction = Classify(context.Request.Method, pattern, id is not null);
        var policy = context.RequestServices.GetRequiredService<IFhirAccessPolicy>();
        var definitions = context.RequestServices.GetRequiredService<FhirDefinitions>();
        if (type is not null && !definitions.IsResourceType(type))
            type = null;
        if (interaction == FhirInteraction.Search && routeValues["compartmentType"] is string compartmentType)
            type = definitions.IsResourceType(compartmentType) ? compartmentType : null;
        policy.CheckInteraction(context.User, interaction, type ?? (routeValues["type"] as string));
        if (interaction == FhirInteraction.Validate)
            return await next(invocation);
        var journal = new FhirAccessJournal(context.User, policy);
        context.Features.Set(journal);
        if (interaction == FhirInteraction.Search)
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<AppliesSearchRestrictionAttribute>() is null
                && await policy.GetSearchRestrictionAsync(context.User, type, context.RequestAborted) != CompartmentRestriction.None)
                throw FhirSecurity.Forbidden("This search is not limited to your patients yet, so it is open to system clients only; read by id or use Patient/$everything");
            return await RecordAfter(context, policy, journal, await next(invocation));
        }

        JsonDocument? current = null, incoming = null;
        ReadOnlyMemory<byte> storedJson = default;
        try
        {
            if (type is not null && id is not null)
            {
                var stored = await context.RequestServices.GetRequiredService<IResourceStore>().ReadAsync(type, id, context.RequestAborted);
                if (interaction == FhirInteraction.Read)
                    context.Features.Set(new PrefetchedResource(type, id, stored));
                if (stored is { IsDeleted: false, Json: not null } && interaction == FhirInteraction.Read)
                {
                    // The policy parses it only if it needs the patients in it.
                    storedJson = stored.Json;
                }
                else if (stored is { IsDeleted: false, Json: not null })
                {
                    current = JsonDocument.Parse(stored.Json);
                    if (interaction == FhirInteraction.Patch)
                        incoming = await PatchedAsync(context, stored.Json);
                }
            }
            if (interaction is FhirInteraction.Create or FhirInteraction.Update && type is not null && !pattern.Contains('$'))
            {
                context.Request.EnableBuffering();
                var body = await FhirRequest.ReadBodyAsync(context, KnownMediaTypes.FhirJson, KnownMediaTypes.Json);
                context.Request.Body.Position = 0;
                try
                {
                    incoming = JsonDocument.Parse(body);
                    if (incoming.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        incoming.Dispose();
                        incoming = null;
                    }
                }
                catch (JsonException)
                {
                    // The handler answers malformed JSON with its own 400.
                }
            }
            await policy.AuthorizeAsync(new FhirAccessRequest(context.User, interaction, type, id,
                current?.RootElement, incoming?.RootElement, storedJson), context.RequestAborted);
        }
        finally
        {
            current?.Dispose();
            incoming?.Dispose();
        }
        return await RecordAfter(context, policy, journal, await next(invocation));
    }

    /// <summary>
    /// The current version the filter read for a plain read, so the handler serves it without reading
    /// it again; null when the filter did not read this resource.
    /// </summary>
    public static StoredResource? Prefetched(HttpContext context, string type, string id) =>
        context.Features.Get<PrefetchedResource>() is { } p && p.Type == type && p.Id == id ? p.Resource : null;

    private sealed record PrefetchedResource(string Type, string Id, StoredResource? Resource);

    /// <summary>Logs what the handler served beyond the resource authorised up front, once it succeeded.</summary>
    private static async ValueTask<object?> RecordAfter(HttpContext context, IFhirAccessPolicy policy, FhirAccessJournal journal, object? result)
    {
        var records = journal.Records;
        if (records.Count > 0 && context.Response.StatusCode < 400)
            await policy.RecordAsync(context.User, records, context.RequestAborted);
        return result;
    }

    /// <summary>What a JSON Patch would make of the resource, so that a patch cannot move data to another patient.</summary>
    private static async Task<JsonDocument?> PatchedAsync(HttpContext context, byte[] json)
    {
        context.Request.EnableBuffering();
        var body = await FhirRequest.ReadBodyAsync(context, KnownMediaTypes.JsonPatch);
        context.Request.Body.Position = 0;
        try
        {
            var patched = JsonDocument.Parse(Features.Resources.JsonPatch.Parse(body).ApplyTo(json));
            if (patched.RootElement.ValueKind == JsonValueKind.Object)
                return patched;
            patched.Dispose();
        }
        catch (Exception ex) when (ex is JsonException or Outcomes.FhirException)
        {
            // The handler answers a patch that does not apply with its own error.
        }
        return null;
    }

    private static FhirInteraction Classify(string method, string pattern, bool hasId)
    {
        if (pattern.Contains("$validate", StringComparison.Ordinal))
            return FhirInteraction.Validate;
        if (pattern.Contains("$everything", StringComparison.Ordinal) || pattern.EndsWith("{compartmentType}", StringComparison.Ordinal))
            return FhirInteraction.Search;
        // $everything reads a patient's compartment: a search, restricted like one.
        if (pattern.Contains("$everything", StringComparison.Ordinal))
            return FhirInteraction.Search;
        // Other operations ($reindex...) change server state: they need write scope, and the policy keeps them to system clients.
        if (pattern.Contains('$'))
            return FhirInteraction.Update;
        if (pattern.EndsWith("/_history/{vid}", StringComparison.Ordinal))
            return FhirInteraction.VRead;
        if (pattern.EndsWith("_history", StringComparison.Ordinal))
            return hasId ? FhirInteraction.HistoryInstance : pattern.Contains("{type}", StringComparison.Ordinal) ? FhirInteraction.HistoryType : FhirInteraction.HistorySystem;
        return method switch
        {
            "GET" or "HEAD" => hasId ? FhirInteraction.Read : FhirInteraction.Search,
            "POST" when pattern.EndsWith("_search", StringComparison.Ordinal) => FhirInteraction.Search,
            "POST" => FhirInteraction.Create,
            "PUT" => FhirInteraction.Update,
            "PATCH" => FhirInteraction.Patch,
            "DELETE" => FhirInteraction.Delete,
            _ => FhirInteraction.Read,
        };
    }
}
