namespace Portal.Ui.Components.Pages.Accounts;

/// <summary>The attributes of an input whose value was refused: marked invalid and pointing at the message below it.</summary>
internal static class FieldState
{
    public static Dictionary<string, object> Invalid(string? error, string errorId) =>
        error is null ? [] : new() { ["aria-invalid"] = "true", ["aria-describedby"] = errorId };
}
