using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Identity.Messaging;

public interface IEmailSender
{
    Task SendAsync(string to, string subject, string body, CancellationToken ct = default);
}

public interface ISmsSender
{
    Task SendAsync(string to, string text, CancellationToken ct = default);
}

/// <summary>
/// The embedded default: every message becomes one text file in the outbox folder
/// (<c>{utc}-{email|sms}-{recipient}.txt</c>), so the demo and the tests can read links and codes.
/// </summary>
public sealed class FileOutbox(IOptions<IdentityServerOptions> options, TimeProvider time) : IEmailSender, ISmsSender
{
    public string Folder { get; } = Path.GetFullPath(options.Value.OutboxPath);

    Task IEmailSender.SendAsync(string to, string subject, string body, CancellationToken ct) =>
        Write("email", to, $"To: {to}\nSubject: {subject}\n\n{body}\n", ct);

    Task ISmsSender.SendAsync(string to, string text, CancellationToken ct) =>
        Write("sms", to, $"To: {to}\n\n{text}\n", ct);

    private async Task Write(string kind, string to, string content, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var recipient = new string(to.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '@' or '-' or '_').ToArray());
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture);
        var path = Path.Combine(Folder, $"{stamp}-{kind}-{recipient}-{Guid.NewGuid().ToString("N")[..6]}.txt");
        await File.WriteAllTextAsync(path, content, Encoding.UTF8, ct);
    }
}

/// <summary>Sends e-mail through an SMTP relay (Identity:Email:Sender=Smtp).</summary>
public sealed class SmtpEmailSender(IOptions<IdentityServerOptions> options) : IEmailSender
{
    public async Task SendAsync(string to, string subject, string body, CancellationToken ct = default)
    {
        var o = options.Value.Email;
        using var client = new SmtpClient(o.SmtpHost, o.SmtpPort) { EnableSsl = o.SmtpSsl };
        if (!string.IsNullOrEmpty(o.SmtpUser))
            client.Credentials = new NetworkCredential(o.SmtpUser, o.SmtpPassword);
        using var message = new MailMessage(o.From, to, subject, body) { BodyEncoding = Encoding.UTF8, SubjectEncoding = Encoding.UTF8 };
        await client.SendMailAsync(message, ct);
    }
}

/// <summary>Sends SMS through an HTTP gateway (Identity:Sms:Sender=HttpGateway): POST {"to","text"} with a bearer key.</summary>
public sealed class HttpSmsGateway(HttpClient http, IOptions<IdentityServerOptions> options, ILogger<HttpSmsGateway> logger) : ISmsSender
{
    public async Task SendAsync(string to, string text, CancellationToken ct = default)
    {
        var o = options.Value.Sms;
        using var request = new HttpRequestMessage(HttpMethod.Post, o.GatewayUrl) { Content = JsonContent.Create(new { to, text }) };
        if (!string.IsNullOrEmpty(o.GatewayApiKey))
            request.Headers.Authorization = new("Bearer", o.GatewayApiKey);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogError("SMS gateway answered {Status} for a message to {To}", (int)response.StatusCode, to);
            response.EnsureSuccessStatusCode();
        }
    }
}
