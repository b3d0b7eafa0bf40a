using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Portal.Ui.Client;
using Portal.Ui.Session;

namespace Portal.Ui.Components.Pages.Appointments;

/// <summary>
/// "Voeg toe aan uw agenda": the appointment's .ics (RFC 5545) for the signed-in person, fetched through the
/// GraphQL executor with the session's identity, so the access policy decides exactly as on the page.
/// (GET /portal/afspraken/{id}/agenda.ics is the same file for API clients with a bearer token.)
/// </summary>
public static class CalendarFileEndpoint
{
    public static IEndpointRouteBuilder MapCalendarFileEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/afspraken/{id}/agenda.ics", GetAsync)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = PortalSession.Scheme });
        return app;
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, PortalGraph graph)
    {
        var result = await graph.RunAsAsync<AppointmentOperations.CalendarFileData>(http.User, AppointmentOperations.CalendarFile, new { id }, http.RequestAborted);
        if (result.Data?.Appointment is not { } appointment)
            return Results.NotFound();
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.File(System.Text.Encoding.UTF8.GetBytes(appointment.CalendarFile), "text/calendar; charset=utf-8", "afspraak.ics");
    }
}
