namespace Graph.Api.Messaging;

/// <summary>
/// Attachments patients and staff may add: photos (JPEG, PNG) and PDF. The type is decided by the
/// file's first bytes, never by its name or the browser's claim, so a renamed executable is refused.
/// </summary>
public static class Attachments
{
    public const int MaxBytes = 5 * 1024 * 1024;
    public const int MaxPerMessage = 5;

    public static readonly IReadOnlyList<string> Allowed = ["image/jpeg", "image/png", "application/pdf"];

    /// <summary>The content type the bytes prove, or null when they are none of the allowed types.</summary>
    public static string? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            return "image/jpeg";
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            return "image/png";
        if (data.StartsWith("%PDF-"u8))
            return "application/pdf";
        return null;
    }

    /// <summary>Checks one upload and returns what is stored: the detected type, the size and the bytes.</summary>
    public static MessageAttachment Accept(string? fileName, string? contentBase64)
    {
        var name = string.IsNullOrWhiteSpace(fileName) ? "bijlage" : Path.GetFileName(fileName.Trim());
        byte[] data;
        try
        {
            data = Convert.FromBase64String(contentBase64 ?? "");
        }
        catch (FormatException)
        {
            throw MessagingErrors.Attachment($"De bijlage '{name}' kon niet worden gelezen.");
        }
        if (data.Length == 0)
            throw MessagingErrors.Attachment($"De bijlage '{name}' is leeg.");
        if (data.Length > MaxBytes)
            throw MessagingErrors.Attachment($"De bijlage '{name}' is te groot; het maximum is {MaxBytes / (1024 * 1024)} MB.");
        var type = Sniff(data) ?? throw MessagingErrors.Attachment($"De bijlage '{name}' is geen foto (JPEG of PNG) of PDF-bestand.");
        return new MessageAttachment(type, name, data.Length, Convert.ToBase64String(data));
    }
}
