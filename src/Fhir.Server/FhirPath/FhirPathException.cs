namespace Fhir.Server.FhirPath;

/// <summary>
/// A FHIRPath expression that cannot be parsed or evaluated. <see cref="Position"/> is the zero-based
/// character offset in the expression where the problem was found (-1 when not tied to a place).
/// </summary>
public sealed class FhirPathException : Exception
{
    public FhirPathException(string message, int position = -1)
        : base(position >= 0 ? $"{message} (at position {position})" : message)
    {
        Position = position;
        Reason = message;
    }

    public int Position { get; }

    /// <summary>The message without the position suffix.</summary>
    public string Reason { get; }
}
