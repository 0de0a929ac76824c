using System.ComponentModel.DataAnnotations;
using System.Text;

namespace HotlineGrains.Gateway.Security;

/// <summary>Bearer tokens (section <c>Auth</c>): who issues them, for whom, and the key they are signed with.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>HMAC-SHA256 needs a key of at least 256 bits.</summary>
    public const int MinimumKeyBytes = 32;

    public const string DefaultIssuer = "hotline-grains";
    public const string DefaultAudience = "hotline-api";

    public string Issuer { get; set; } = DefaultIssuer;

    public string Audience { get; set; } = DefaultAudience;

    /// <summary>
    /// The shared signing key (at least 32 bytes of UTF-8). Required in production; the embedded
    /// default makes up a fresh one at start-up when none is given, so demo tokens die with the process.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Keys tokens may still be signed with while the identity provider moves to a new
    /// <see cref="SigningKey"/>: accepted, never used to sign. Empty once the rotation is over
    /// (docs/operations.md, rotating the signing key).
    /// </summary>
    public IReadOnlyList<string> PreviousSigningKeys { get; set; } = [];

    /// <summary>How long a demo token is valid.</summary>
    public TimeSpan DemoTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Tolerated difference between the issuer's clock and this node's.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SigningKey is null || Encoding.UTF8.GetByteCount(SigningKey) < MinimumKeyBytes)
        {
            yield return new ValidationResult(
                $"Auth:SigningKey must be set to at least {MinimumKeyBytes} bytes (the embedded default with Demo:Enabled=true makes one up).",
                [nameof(SigningKey)]);
        }

        for (var i = 0; i < PreviousSigningKeys.Count; i++)
        {
            var previous = PreviousSigningKeys[i];
            if (previous is null || Encoding.UTF8.GetByteCount(previous) < MinimumKeyBytes || previous == SigningKey)
            {
                yield return new ValidationResult(
                    $"Auth:PreviousSigningKeys:{i} must be at least {MinimumKeyBytes} bytes and not the current Auth:SigningKey.",
                    [nameof(PreviousSigningKeys)]);
            }
        }

        if (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(Audience))
        {
            yield return new ValidationResult("Auth:Issuer and Auth:Audience must not be empty.", [nameof(Issuer), nameof(Audience)]);
        }

        if (DemoTokenLifetime <= TimeSpan.Zero || ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("Auth:DemoTokenLifetime must be positive and Auth:ClockSkew between 0 and 10 minutes.",
                [nameof(DemoTokenLifetime), nameof(ClockSkew)]);
        }
    }
}
