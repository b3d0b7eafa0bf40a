using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Identity.Accounts;

/// <summary>The e-mail address and Dutch mobile number every account needs (seed 004: "een eigen e-mailadres en mobiel telefoonnummer").</summary>
public static partial class ContactDetails
{
    /// <summary>The address trimmed, or null when it is not a plausible e-mail address.</summary>
    public static string? Email(string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 254 || !MailAddress.TryCreate(value, out var parsed) || parsed.Address != value
            || !parsed.Host.Contains('.'))
            return null;
        return value;
    }

    /// <summary>A Dutch mobile number (06…, +316…, 00316…) written as 06-12345678, or null.</summary>
    public static string? Mobile(string? value)
    {
        var digits = Separators().Replace(value ?? "", "");
        var match = MobilePattern().Match(digits);
        return match.Success ? $"06-{match.Groups[1].Value}" : null;
    }

    [GeneratedRegex(@"[\s\-().]")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^(?:\+31|0031|0)6(\d{8})$")]
    private static partial Regex MobilePattern();
}
