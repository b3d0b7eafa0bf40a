using System.Globalization;
using System.Text;

namespace Jobs.Notifications;

/// <summary>
/// The embedded default: one text file per notification in the outbox folder (the same folder and
/// format as the identity module's file outbox). The file name is fixed by the notification id and
/// the file appears by an atomic rename, so delivering a notification twice leaves one file.
/// </summary>
public sealed class FileNotificationTransport(string folder) : INotificationTransport
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public bool IsIdempotentFor(NotificationKind kind) => true;

    public string PathOf(OutgoingNotification n)
    {
        var recipient = new string(n.Recipient.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '@' or '-' or '_').ToArray());
        var stamp = n.CreatedUtc.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture);
        var kind = n.Kind == NotificationKind.Sms ? "sms" : "email";
        return Path.Combine(Folder, $"{stamp}-{kind}-{recipient}-n{n.Id}.txt");
    }

    public async Task SendAsync(OutgoingNotification n, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var path = PathOf(n);
        if (File.Exists(path))
            return;
        var content = n.Kind == NotificationKind.Sms
            ? $"To: {n.Recipient}\n\n{n.Body}\n"
            : $"To: {n.Recipient}\nSubject: {n.Subject}\n\n{n.Body}\n";
        var temp = Path.Combine(Folder, $".{n.Id}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(temp, content, Encoding.UTF8, ct);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
    }
}
