using Fhir.Server.Features.Outcomes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Rest;

/// <summary>
/// The one place where failures under /fhir become OperationOutcomes with the right status
/// (https://hl7.org/fhir/R4/http.html#Status-Codes). Unknown routes and wrong methods get an
/// OperationOutcome too; an unexpected exception is logged and answered with a 500 that carries no
/// internals.
/// </summary>
public sealed class FhirErrorMiddleware(RequestDelegate next, ILogger<FhirErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.ContentLength is null
                && context.Response.ContentType is null)
            {
                switch (context.Response.StatusCode)
                {
                    case 404:
                        await FhirResponses.WriteOutcomeAsync(context, 404,
                            [OutcomeIssue.Error(IssueCodes.NotFound, $"No FHIR interaction is defined for {context.Request.Method} {context.Request.Path}")]);
                        break;
                    case 405:
                        await FhirResponses.WriteOutcomeAsync(context, 405,
                            [OutcomeIssue.Error(IssueCodes.NotSupported, $"{context.Request.Method} is not supported on {context.Request.Path}")]);
                        break;
                }
            }
        }
        catch (FhirException ex) when (!context.Response.HasStarted)
        {
            foreach (var (name, value) in ex.Headers ?? new Dictionary<string, string>())
                context.Response.Headers[name] = value;
            await FhirResponses.WriteOutcomeAsync(context, ex.Status, ex.Issues);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var code = ex.StatusCode == 413 ? IssueCodes.TooCostly : IssueCodes.Invalid;
            await FhirResponses.WriteOutcomeAsync(context, ex.StatusCode, [OutcomeIssue.Error(code, ex.Message)]);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await FhirResponses.WriteOutcomeAsync(context, 500,
                [OutcomeIssue.Error(IssueCodes.Exception, $"Internal server error (trace id {context.TraceIdentifier})")]);
        }
    }
}
