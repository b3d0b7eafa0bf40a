using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Portal.Ui.Interactive;

/// <summary>
/// Serves the framework's browser script, GET /_framework/blazor.web.js, which interactive server
/// components need. .NET 10 ships it only in a package the registry here lacks; the identical script
/// (MIT, Microsoft) is embedded in Microsoft.AspNetCore.Components.Endpoints.dll of the ASP.NET Core 9
/// runtime pack, which build/BlazorWebScript.targets copies as data into blazor-script/. The assembly is
/// read with a metadata reader, never loaded as code. The script comes from 9.0.x while the server is
/// 10.0.x: the circuit protocol is the same for what the portal uses; .NET 10-only client features
/// (pausing and resuming circuits) are absent. Drop this once the registry serves
/// Microsoft.AspNetCore.App.Internal.Assets.
/// </summary>
public static class BlazorScriptEndpoint
{
    public const string Path = "/_framework/blazor.web.js";
    private const string ResourceSuffix = "blazor.web.js";

    private static readonly Lazy<(byte[] Bytes, EntityTagHeaderValue ETag)> Script = new(Load);

    public static string AssemblyFile => System.IO.Path.Combine(AppContext.BaseDirectory, "blazor-script", "Microsoft.AspNetCore.Components.Endpoints.dll");

    public static IEndpointRouteBuilder MapBlazorScript(this IEndpointRouteBuilder app)
    {
        // Read at start so a missing file stops the host with a clear message instead of a broken page later.
        _ = Script.Value;
        app.MapGet(Path, Get);
        return app;
    }

    private static IResult Get(HttpContext http)
    {
        var (bytes, etag) = Script.Value;
        // Revalidated on every use: the file only changes with a new build of the host.
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(bytes, "text/javascript; charset=utf-8", entityTag: etag);
    }

    private static (byte[], EntityTagHeaderValue) Load()
    {
        var file = AssemblyFile;
        if (!File.Exists(file))
            throw new InvalidOperationException($"{file} is missing: the build copies it (src/Portal.Ui/build/BlazorWebScript.targets). Rebuild the host.");
        var bytes = Read(file);
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
        return (bytes, etag);
    }

    /// <summary>The bytes of the embedded resource whose name ends in blazor.web.js.</summary>
    internal static byte[] Read(string assemblyFile)
    {
        using var pe = new PEReader(File.OpenRead(assemblyFile));
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!metadata.GetString(resource.Name).EndsWith(ResourceSuffix, StringComparison.Ordinal))
                continue;
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var block = pe.GetSectionData(directory.RelativeVirtualAddress);
            var reader = block.GetReader((int)resource.Offset, directory.Size - (int)resource.Offset);
            return reader.ReadBytes(reader.ReadInt32());
        }
        throw new InvalidOperationException($"No {ResourceSuffix} embedded in {assemblyFile}.");
    }
}
