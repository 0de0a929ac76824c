using HotlineGrains.Gateway.Security;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway.Demo;

/// <summary>Demo data for the embedded default. Section <c>Demo</c>; off unless set (appsettings.Development.json sets it).</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public const string EnabledSetting = $"{Section}:{nameof(Enabled)}";

    /// <summary>Seed the three projects of the seed regulation.</summary>
    public bool Enabled { get; set; }

    /// <summary>With <see cref="Enabled"/>: also agents, customers and tickets in several states, so the floor is alive.</summary>
    public bool Floor { get; set; } = true;

    /// <summary>With <see cref="Floor"/>: last month and this month to yesterday as history (tickets through their outcomes, calls), so the reports have a month to show.</summary>
    public bool Month { get; set; } = true;

    /// <summary>With <see cref="Enabled"/>: a simulated phone switch rings the seed projects, so the floor's call figures move.</summary>
    public bool CallSimulator { get; set; } = true;
}

/// <summary>
/// The demo hands an admin token of every project to anyone who asks. A published build runs in
/// Production, where demo is off unless set; set there, or beside a signing key of one's own outside
/// Development (demo tokens would be signed with it and trusted wherever that key is), the node does
/// not start, and says which setting. Development keeps a shared key with demo on: several demo
/// nodes on one machine must trust each other's demo tokens.
/// </summary>
internal sealed class DemoOptionsValidator(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        if (environment.IsProduction())
        {
            return ValidateOptionsResult.Fail(
                $"{DemoOptions.EnabledSetting} is true in the Production environment: the demo hands out admin tokens to anyone. " +
                $"Set {DemoOptions.EnabledSetting}=false (Demo__Enabled=false), or run a demo in Development.");
        }

        // The key as configured, not AuthOptions: with demo on, AuthOptions holds a key made up at start.
        var ownKey = !string.IsNullOrEmpty(configuration[$"{AuthOptions.Section}:{nameof(AuthOptions.SigningKey)}"]);
        if (ownKey && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail(
                $"{DemoOptions.EnabledSetting} is true beside Auth:SigningKey in the {environment.EnvironmentName} environment: " +
                $"demo tokens would be signed with that key. Set {DemoOptions.EnabledSetting}=false, or leave Auth:SigningKey unset for a demo.");
        }

        return ValidateOptionsResult.Success;
    }
}
