using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HotlineGrains.Gateway.Security;

/// <summary>
/// Signs hotline tokens with the configured key. Production tokens come from the company's own
/// identity provider with the same claims; this issuer serves the embedded default's demo users
/// and the tests.
/// </summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>
    /// The key with an id of its own (a hash prefix, which says nothing of the key), so a token names
    /// the key it was signed with and, during a rotation, is checked against that key alone.
    /// </summary>
    public static SymmetricSecurityKey KeyOf(string signingKey)
    {
        var bytes = Encoding.UTF8.GetBytes(signingKey);
        return new(bytes) { KeyId = "hotline-" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..12] };
    }

    /// <summary>The keys a token may be signed with: the current one, then those of a rotation in progress.</summary>
    public static IEnumerable<SecurityKey> ValidationKeysOf(AuthOptions options) =>
        [KeyOf(options.SigningKey!), .. options.PreviousSigningKeys.Select(KeyOf)];

    /// <param name="projects">Project ids, or <see cref="HotlineClaims.AllProjects"/>.</param>
    /// <param name="departments">For the department role: the departments answered for.</param>
    /// <param name="lifetime">How long from now it is valid; negative gives an expired token.</param>
    public string Issue(string userId, IEnumerable<string> roles, IEnumerable<string> projects, IEnumerable<string>? departments = null, TimeSpan? lifetime = null)
    {
        var value = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var expires = now + (lifetime ?? value.DemoTokenLifetime);
        var claims = new List<Claim> { new("sub", userId), new("name", userId) };
        claims.AddRange(roles.Select(r => new Claim(HotlineClaims.Role, r)));
        claims.AddRange(projects.Select(p => new Claim(HotlineClaims.Project, p)));
        claims.AddRange((departments ?? []).Select(d => new Claim(HotlineClaims.Department, d)));
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = value.Issuer,
            Audience = value.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = expires < now ? expires.AddMinutes(-1) : now,
            NotBefore = expires < now ? expires.AddMinutes(-1) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(KeyOf(value.SigningKey!), SecurityAlgorithms.HmacSha256),
        });
    }
}
