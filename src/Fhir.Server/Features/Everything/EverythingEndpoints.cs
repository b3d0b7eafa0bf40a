using Fhir.Server.Definitions;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Features.Security;
using Fhir.Server.Rest;
using Fhir.Server.Search;
using Fhir.Server.Search.Parsing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fhir.Server.Features.Everything;

/// <summary>
/// Patient $everything, https://hl7.org/fhir/R4/patient-operation-everything.html: the patient and
/// everything in their compartment, paged like a search (<c>_count</c>, <c>_since</c>, <c>_type</c>),
/// limited to what the caller may see. The access log (AuditEvent) is left out.
/// </summary>
public static class EverythingEndpoints
{
    public static RouteGroupBuilder MapFhirEverything(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Patient/{id}/$everything", Instance).WithMetadata(new AppliesSearchRestrictionAttribute());
        fhir.MapGet("/Patient/$everything", TypeLevel).WithMetadata(new AppliesSearchRestrictionAttribute());
        return fhir;
    }

    private static async Task Instance(HttpContext context, string id, ResourceService resources, FhirSearch search,
        IFhirAccessPolicy policy, FhirDefinitions definitions)
    {
        var patient = await resources.ReadAsync("Patient", id, context.RequestAborted);
        using (var document = System.Text.Json.JsonDocument.Parse(patient.Json))
        {
            // The same decision as reading the Patient (own record, WGBO proxy rules, own practice), logged as an access.
            await policy.AuthorizeAsync(new FhirAccessRequest(context.User, FhirInteraction.Read, "Patient", id, document.RootElement), context.RequestAborted);
        }
        await Respond(context, search, definitions, [id]);
    }

    private static async Task TypeLevel(HttpContext context, FhirSearch search, IFhirAccessPolicy policy, FhirDefinitions definitions)
    {
        var restriction = await policy.GetSearchRestrictionAsync(context.User, null, context.RequestAborted);
        if (restriction.PatientIds is null && restriction.OrganizationId is not null)
            throw new FhirException(403, IssueCodes.Forbidden, "Staff ask for one patient's record: use Patient/{id}/$everything");
        await Respond(context, search, definitions, restriction.PatientIds?.ToList());
    }

    private static Task Respond(HttpContext context, FhirSearch search, FhirDefinitions definitions, IReadOnlyCollection<string>? patients)
    {
        // The access log (AuditEvent) is in the compartment too, but it is a record about the record:
        // it has its own view, and returning it here would grow with every call.
        var compartmentTypes = definitions.GetCompartment("Patient").Keys.Append("Patient")
            .Where(t => t != "AuditEvent").Distinct().Order(StringComparer.Ordinal).ToList();
        var arguments = new List<SearchArgument>();
        var types = compartmentTypes;
        foreach (var argument in SearchRequest.ParseQuery(context.Request.QueryString.Value ?? ""))
        {
            switch (argument.Name)
            {
                case "_since":
                    arguments.Add(argument with { Name = "_lastUpdated", Value = "ge" + argument.Value });
                    break;
                case "_type":
                    var asked = argument.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    types = compartmentTypes.Intersect(asked, StringComparer.Ordinal).ToList();
                    if (types.Count == 0)
                        throw FhirException.BadRequest($"_type={argument.Value} names no type of the Patient compartment");
                    break;
                case "_count" or "_cursor":
                    arguments.Add(argument);
                    break;
                default:
                    throw FhirException.BadRequest($"$everything does not take '{argument.Name}'; use _since, _type, _count");
            }
        }
        arguments.Add(new SearchArgument("_type", string.Join(',', types)));
        var baseUrl = FhirRequest.BaseUrl(context);
        var path = baseUrl + context.Request.Path.Value![FhirEndpoints.Prefix.Length..];
        var input = new SearchInput(null, arguments, baseUrl, path, Strict: true,
            Restriction: patients is null ? null : new SearchRestriction(patients));
        return FhirResponses.WriteBytesAsync(context, search.Search(input, FhirAccessJournal.Of(context)));
    }
}
