using System.Collections;
using System.Reflection;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace HotlineGrains.Deploy.Tests;

/// <summary>Which of the two programs a container runs.</summary>
public enum AppRole
{
    /// <summary>The headless silo, <c>src/Silo</c>.</summary>
    Silo,

    /// <summary>The gateway, <c>src/Gateway</c>.</summary>
    Gateway,
}

/// <summary>
/// The configuration keys a program reads, found in the code rather than listed by hand: every
/// options class of the program's assemblies that names its section (<c>public const string
/// Section</c>) contributes its settable properties, a collection property its indexed keys
/// (<c>Auth:PreviousSigningKeys:0</c>). Added to them: Orleans' <see cref="ClusterMembershipOptions"/>
/// bound under <c>Orleans:Membership</c> (silo), the CORS origins list (gateway), the environment
/// variables Orleans' Kubernetes hosting reads (silo), and the framework's own keys.
/// </summary>
internal sealed class KnownSettings
{
    private readonly Dictionary<string, bool> keys = new(StringComparer.OrdinalIgnoreCase); // key -> is a list
    private readonly List<string> prefixes = [];

    private KnownSettings(AppRole role)
    {
        Assembly[] assemblies = role == AppRole.Silo
            ? [typeof(HotlineClusterOptions).Assembly, typeof(TurnOptions).Assembly]
            : [typeof(HotlineClusterOptions).Assembly, typeof(TurnOptions).Assembly, typeof(AuthOptions).Assembly];
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section)
            {
                AddProperties(section, type);
                OptionsTypes.Add(type);
            }
        }

        // Framework settings: logging, .NET's own DOTNET_ variables (e.g. DOTNET_shutdownTimeoutSeconds)
        // and ASP.NET Core's (both programs serve HTTP: the silo its management port).
        prefixes.Add("Logging:");
        prefixes.Add("DOTNET_");
        prefixes.Add("ASPNETCORE_");
        keys["AllowedHosts"] = false;
        if (role == AppRole.Silo)
        {
            AddProperties($"{HotlineClusterOptions.Section}:Membership", typeof(ClusterMembershipOptions));
            foreach (var variable in typeof(KubernetesHostingOptions).GetFields(BindingFlags.Public | BindingFlags.Static)
                         .Where(f => f.IsLiteral && f.Name.EndsWith("EnvironmentVariable", StringComparison.Ordinal)))
            {
                keys[(string)variable.GetRawConstantValue()!] = false;
            }
        }
        else
        {
            keys[SecurityExtensions.CorsOrigins] = true;
        }
    }

    /// <summary>The options classes found (each bound to its section).</summary>
    public List<Type> OptionsTypes { get; } = [];

    public static KnownSettings For(AppRole role) => new(role);

    /// <summary>The environment variables Orleans' Kubernetes hosting reads (POD_NAME…).</summary>
    public static IEnumerable<string> KubernetesHostingVariables =>
        typeof(KubernetesHostingOptions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("EnvironmentVariable", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!);

    public bool Knows(string key)
    {
        if (prefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || keys.ContainsKey(key))
        {
            return true;
        }

        // Auth:PreviousSigningKeys:0, Cors:AllowedOrigins:1 — an element of a list setting.
        var colon = key.LastIndexOf(':');
        return colon > 0 && int.TryParse(key.AsSpan(colon + 1), out _)
            && keys.TryGetValue(key[..colon], out var isList) && isList;
    }

    private void AddProperties(string section, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var isList = property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType);
            keys[$"{section}:{property.Name}"] = isList;
        }
    }
}
