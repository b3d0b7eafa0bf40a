namespace Portal.Host.Configuration;

/// <summary>The parts of the product one host instance runs.</summary>
[Flags]
public enum PortalRoles
{
    None = 0,
    Fhir = 1,
    GraphQL = 2,
    Ui = 4,
    Jobs = 8,
    All = Fhir | GraphQL | Ui | Jobs,
}

/// <summary>Bound from the <c>Portal</c> section.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>"all", or a comma-separated list of fhir, graphql, ui, jobs.</summary>
    public string Roles { get; set; } = "all";

    public PortalRoles ParsedRoles => ParseRoles(Roles);

    /// <summary>
    /// Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed: a
    /// comma-separated list of addresses and CIDR networks ("10.0.0.5, 172.16.0.0/12"). Empty (the
    /// default) believes no one, so a client cannot pose as another address to dodge the per-address limits.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    public static PortalRoles ParseRoles(string value)
    {
        var roles = PortalRoles.None;
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= part.ToLowerInvariant() switch
            {
                "all" => PortalRoles.All,
                "fhir" => PortalRoles.Fhir,
                "graphql" => PortalRoles.GraphQL,
                "ui" => PortalRoles.Ui,
                "jobs" => PortalRoles.Jobs,
                _ => throw new PortalConfigurationException(
                    $"Portal:Roles contains '{part}'; allowed are all, fhir, graphql, ui, jobs (comma-separated)"),
            };
        }
        if (roles == PortalRoles.None)
            throw new PortalConfigurationException("Portal:Roles is empty; use all, or a list of fhir, graphql, ui, jobs");
        return roles;
    }
}

/// <summary>Bound from the <c>Demo</c> section.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed the demo practice into an empty database at start.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>How many days ahead the demo schedules get free slots.</summary>
    public int SlotDays { get; set; } = 100;
}

/// <summary>A setting that cannot work; reported at start as one line, then the host stops.</summary>
public sealed class PortalConfigurationException(string message) : Exception(message);
