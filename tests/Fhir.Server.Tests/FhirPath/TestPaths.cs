namespace Fhir.Server.Tests.FhirPath;

/// <summary>Locates the repository and the shared test data beside it (<c>&lt;repo&gt;/../shared</c>).</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ExamplesDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fhir-test-data", "examples"));

    public static string OracleFile => Path.Combine(RepositoryRoot, "tests", "Fhir.Server.Tests", "FhirPath", "oracle", "fhirpath-js-r4.json");

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) dir = dir.Parent;
        if (dir is null && Environment.GetEnvironmentVariable("PORTAL_REPO") is { } repo) return repo;
        return dir?.FullName ?? throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
    }
}
