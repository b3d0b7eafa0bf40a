using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Portal.Ui.Client;
using Portal.Ui.Session;

namespace Portal.Ui.Components.Pages.Messages;

/// <summary>
/// Attachment bytes for the browser (an img src or a download), fetched through the GraphQL executor
/// as the signed-in person, so the access policy decides here exactly as on the page.
/// </summary>
public static class AttachmentEndpoint
{
    public static string Url(string threadId, string messageId, int index) =>
        $"/bijlagen/{Uri.EscapeDataString(threadId)}/{Uri.EscapeDataString(messageId)}/{index}";

    public static void MapAttachmentEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/bijlagen/{threadId}/{messageId}/{index:int}", GetAsync)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = PortalSession.Scheme });

    private static async Task<IResult> GetAsync(string threadId, string messageId, int index, bool? download, HttpContext http, PortalGraph graph)
    {
        var result = await graph.RunAsAsync<MessagesOperations.AttachmentContentData>(http.User, MessagesOperations.AttachmentContent,
            new { id = threadId }, http.RequestAborted);
        var attachment = result.Data?.Thread?.Messages.FirstOrDefault(m => m.Id == messageId)?.Attachments.ElementAtOrDefault(index);
        if (attachment is null)
            return Results.NotFound();
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        var bytes = Convert.FromBase64String(attachment.ContentBase64);
        var inline = download != true && attachment.ContentType.StartsWith("image/", StringComparison.Ordinal);
        return Results.File(bytes, attachment.ContentType, inline ? null : attachment.Title);
    }
}
