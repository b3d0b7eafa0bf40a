using System.Runtime.CompilerServices;
using Fhir.Server.Tests.Validation;

namespace Fhir.Server.Tests.FhirPath;

/// <summary>The official examples (shared test data) and the fhirpath.js oracle committed beside this file.</summary>
internal static class TestPaths
{
    public static string ExamplesDirectory => SharedTestData.Examples;

    public static string OracleFile => Path.Combine(Path.GetDirectoryName(SourceFile())!, "oracle", "fhirpath-js-r4.json");

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
