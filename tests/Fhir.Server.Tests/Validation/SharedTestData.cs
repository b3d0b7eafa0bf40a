using System.Runtime.CompilerServices;

namespace Fhir.Server.Tests.Validation;

/// <summary>
/// Finds the read-only shared test data (../shared/fhir-test-data beside the repository checkout)
/// by walking up from the test binaries, the working directory or this source file (builds with
/// --artifacts-path put the binaries outside the checkout).
/// </summary>
internal static class SharedTestData
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string FhirTestData => Root.Value;

    public static string Examples => Path.Combine(FhirTestData, "examples");

    private static string Locate()
    {
        string[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(SourceFile())!];
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "fhir-test-data");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new DirectoryNotFoundException($"No shared/fhir-test-data found above any of: {string.Join(", ", starts)}.");
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
