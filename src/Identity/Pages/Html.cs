using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace Identity.Pages;

/// <summary>
/// Plain server-rendered pages for login, consent and activation (Dutch). The Blazor portal replaces
/// them later; until then they keep the flows testable without JavaScript.
/// </summary>
internal static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static IResult Page(string title, string body, int status = 200)
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" – Patiëntenportaal</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b2a3a}")
            .Append("label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=email],input[type=password]{width:100%;padding:.5rem;font-size:1rem}")
            .Append("button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}.fout{color:#a4001d;background:#fdecee;padding:.6rem;border-radius:4px}")
            .Append(".info{background:#eef5fb;padding:.6rem;border-radius:4px}li{margin:.3rem 0}</style></head><body>")
            .Append("<h1>").Append(E(title)).Append("</h1>").Append(body).Append("</body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    public static string Error(string? message) => message is null ? "" : $"<p class=\"fout\" role=\"alert\">{E(message)}</p>";

    public static string Info(string message) => $"<p class=\"info\" role=\"status\">{E(message)}</p>";

    public static string Hidden(string name, string? value) => $"<input type=\"hidden\" name=\"{name}\" value=\"{E(value)}\">";
}
