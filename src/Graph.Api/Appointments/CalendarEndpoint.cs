using Graph.Api.Messaging;
using Graph.Engine.Execution;
using Microsoft.AspNetCore.Http;

namespace Graph.Api.Appointments;

/// <summary>GET /portal/afspraken/{id}/agenda.ics with the caller's bearer token: the .ics download behind "Voeg toe aan uw agenda".</summary>
public static class CalendarEndpoint
{
    public static async Task<IResult> GetAsync(string id, HttpContext context, AppointmentService service)
    {
        try
        {
            var caller = PortalCaller.From(context.User);
            var text = await service.CalendarFileAsync(caller, id, context.RequestAborted);
            return Results.File(System.Text.Encoding.UTF8.GetBytes(text), CalendarFile.MediaType, "afspraak.ics");
        }
        catch (GraphQLException e)
        {
            var status = e.Code switch
            {
                MessagingErrors.UnauthenticatedCode => StatusCodes.Status401Unauthorized,
                MessagingErrors.ForbiddenCode => StatusCodes.Status403Forbidden,
                MessagingErrors.NotFoundCode => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status400BadRequest,
            };
            return Results.Problem(e.Message, statusCode: status);
        }
    }
}
