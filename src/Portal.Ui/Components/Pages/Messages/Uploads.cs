using Microsoft.AspNetCore.Http;
using Attachments = Graph.Api.Messaging.Attachments;

namespace Portal.Ui.Components.Pages.Messages;

/// <summary>
/// Files posted with a message form, read and checked before the API is called (the API checks them
/// again): the same limits and the same content sniffing, so the person hears about a wrong file next to
/// the field instead of after sending.
/// </summary>
public static class Uploads
{
    public static async Task<(List<AttachmentUpload> Files, string? Error)> ReadAsync(HttpContext http, string field)
    {
        if (!http.Request.HasFormContentType)
            return ([], null);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var files = form.Files.GetFiles(field).Where(f => f.Length > 0 || !string.IsNullOrEmpty(f.FileName)).ToList();
        if (files.Count > Attachments.MaxPerMessage)
            return ([], $"U kunt maximaal {Attachments.MaxPerMessage} bijlagen toevoegen.");
        var result = new List<AttachmentUpload>();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file.FileName);
            if (file.Length == 0)
                return ([], $"De bijlage '{name}' is leeg.");
            if (file.Length > Attachments.MaxBytes)
                return ([], $"De bijlage '{name}' is te groot; het maximum is {Attachments.MaxBytes / (1024 * 1024)} MB.");
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, http.RequestAborted);
            if (Attachments.Sniff(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is null)
                return ([], $"De bijlage '{name}' is geen foto (JPEG of PNG) of PDF-bestand.");
            result.Add(new AttachmentUpload(name, Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length)));
        }
        return (result, null);
    }

    /// <summary>After a failed post the browser forgets chosen files; say so when there were any.</summary>
    public const string ChooseAgain = "Kies uw bijlagen opnieuw voordat u verstuurt.";
}
