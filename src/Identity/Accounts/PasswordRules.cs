namespace Identity.Accounts;

/// <summary>The practice's password rules: at least 10 characters, 1 upper-case, 1 lower-case letter and 2 digits.</summary>
public static class PasswordRules
{
    public static IReadOnlyList<string> Check(string? password)
    {
        password ??= "";
        var problems = new List<string>();
        if (password.Length < 10) problems.Add(IdentityMessages.PasswordTooShort);
        if (!password.Any(char.IsUpper)) problems.Add(IdentityMessages.PasswordNoUpper);
        if (!password.Any(char.IsLower)) problems.Add(IdentityMessages.PasswordNoLower);
        if (password.Count(char.IsAsciiDigit) < 2) problems.Add(IdentityMessages.PasswordTwoDigits);
        return problems;
    }
}
