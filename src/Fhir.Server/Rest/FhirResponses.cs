using System.Globalization;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Fhir.Server.Rest;

/// <summary>Writing FHIR answers: resources with their version headers, outcomes, and Prefer handling.</summary>
public static class FhirResponses
{
    public static Task WriteOutcomeAsync(HttpContext context, int status, IEnumerable<OutcomeIssue> issues)
    {
        context.Response.StatusCode = status;
        return WriteBytesAsync(context, OperationOutcomeWriter.Render(issues));
    }

    public static Task WriteBytesAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentType = KnownMediaTypes.FhirJsonUtf8;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, 0, body.Length);
    }

    public static void SetVersionHeaders(HttpContext context, StoredResource resource)
    {
        var headers = context.Response.Headers;
        headers.ETag = resource.ETag;
        headers.LastModified = resource.LastUpdated.ToString("R", CultureInfo.InvariantCulture);
    }

    public static string LocationOf(HttpContext context, StoredResource resource) =>
        $"{FhirRequest.BaseUrl(context)}/{resource.Type}/{resource.Id}/_history/{resource.Version}";

    /// <summary>
    /// Answers a write with the representation, nothing, or an OperationOutcome, as the client's
    /// Prefer: return= asks (https://hl7.org/fhir/R4/http.html#ops).
    /// </summary>
    public static Task WriteWriteResultAsync(HttpContext context, int status, StoredResource resource, string message)
    {
        SetVersionHeaders(context, resource);
        context.Response.Headers.Location = LocationOf(context, resource);
        context.Response.StatusCode = status;
        switch (FhirRequest.PreferredReturn(context))
        {
            case "minimal":
                context.Response.Headers[KnownHeaders.PreferenceApplied] = "return=minimal";
                return Task.CompletedTask;
            case "OperationOutcome":
                context.Response.Headers[KnownHeaders.PreferenceApplied] = "return=OperationOutcome";
                return WriteBytesAsync(context, OperationOutcomeWriter.Render([OutcomeIssue.Information(message)]));
            default:
                return WriteBytesAsync(context, resource.Json!);
        }
    }

    public static bool NotModified(HttpContext context, StoredResource resource)
    {
        var request = context.Request.Headers;
        var ifNoneMatch = request[HeaderNames.IfNoneMatch].ToString();
        if (ifNoneMatch.Length > 0)
            return FhirRequest.ParseVersion(ifNoneMatch) == resource.Version;
        var ifModifiedSince = request[HeaderNames.IfModifiedSince].ToString();
        return ifModifiedSince.Length > 0
            && DateTimeOffset.TryParse(ifModifiedSince, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            && resource.LastUpdated.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
    }
}
