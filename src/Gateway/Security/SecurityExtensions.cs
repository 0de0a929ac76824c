using System.Security.Cryptography;
using HotlineGrains.Gateway.Demo;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HotlineGrains.Gateway.Security;

public static class SecurityExtensions
{
    public const string IntakeLimit = "intake";
    public const string CallEventsLimit = "call-events";
    public const string ReadsLimit = "reads";

    /// <summary>Origins (<c>https://crm.example.com</c>) whose pages may call the API; none by default.</summary>
    public const string CorsOrigins = "Cors:AllowedOrigins";

    /// <summary>Bearer tokens on every endpoint that does not say otherwise, roles, rate limits and CORS.</summary>
    public static WebApplicationBuilder AddHotlineSecurity(this WebApplicationBuilder builder)
    {
        // Where demo may run at all is DemoOptionsValidator's to say, at start.
        var demo = builder.Configuration.GetValue<bool>(DemoOptions.EnabledSetting);
        builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .PostConfigure(auth =>
            {
                // The embedded default runs without any setup: a key made up now signs the demo tokens.
                if (demo && string.IsNullOrEmpty(auth.SigningKey))
                {
                    auth.SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
                }
            })
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LimitsOptions>().Bind(builder.Configuration.GetSection(LimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<CallerLimits>();

        var development = builder.Environment.IsDevelopment();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, TimeProvider>((jwt, auth, time) =>
            {
                var options = auth.Value;
                jwt.MapInboundClaims = false;
                // Why a token was refused (expired, wrong key id…) helps a developer and a forger alike.
                jwt.IncludeErrorDetails = development;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKeys = TokenIssuer.ValidationKeysOf(options),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = "name",
                    RoleClaimType = HotlineClaims.Role,
                    RequireExpirationTime = true,
                    ClockSkew = options.ClockSkew,
                    // Token lifetimes follow the node's TimeProvider, like every other clock here.
                    LifetimeValidator = (notBefore, expires, _, parameters) =>
                    {
                        var now = time.GetUtcNow().UtcDateTime;
                        return expires is { } end && end + parameters.ClockSkew > now
                            && (notBefore is not { } start || start - parameters.ClockSkew <= now);
                    },
                };
                jwt.Events = new JwtBearerEvents
                {
                    // A hub connection closes once the token's expiry passes (CloseOnAuthenticationExpiration),
                    // but SignalR compares it with the wall clock, while tokens here expire by the node's
                    // TimeProvider: hand it the wall-clock instant at which the token runs out by the node's clock.
                    // With the system clock this changes nothing; with a test's clock, a connection lasts as long
                    // as its token does on that clock, not until a date the test's clock never reaches or has passed.
                    OnTokenValidated = context =>
                    {
                        if (context.Properties.ExpiresUtc is { } expires)
                        {
                            context.Properties.ExpiresUtc = TimeProvider.System.GetUtcNow() + (expires - time.GetUtcNow());
                        }

                        return Task.CompletedTask;
                    },
                    // Browsers cannot set headers on a WebSocket: SignalR hubs send the token in the query string.
                    OnMessageReceived = context =>
                    {
                        if (context.HttpContext.Request.Path.StartsWithSegments("/hubs")
                            && context.Request.Query["access_token"].ToString() is { Length: > 0 } token)
                        {
                            context.Token = token;
                        }
                        else if (!context.Request.Headers.Authorization.Any() && Operations.DashboardEndpoints.TokenOf(context.Request) is { } dashboard)
                        {
                            // The dashboard's page and its own requests come from a browser, without a header.
                            context.Token = dashboard;
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        // Closed unless origins are configured: no browser page elsewhere may call the API with a user's token.
        var origins = builder.Configuration.GetSection(CorsOrigins).Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("ETag", "Location");
            }
        }));
        return builder;
    }

    public static WebApplication UseHotlineSecurity(this WebApplication app)
    {
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(CallerLimits.Enforce);
        return app;
    }

    /// <summary>
    /// Every endpoint of the group takes its roles from <see cref="RoleTable"/> by its name; one that
    /// names no operation, or an operation the table lacks, stops the gateway at start. An endpoint
    /// open to anyone, or with roles of its own (<see cref="Allow"/>), is left as it is.
    /// </summary>
    public static TBuilder WithRolesFromTable<TBuilder>(this TBuilder group) where TBuilder : IEndpointConventionBuilder
    {
        group.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IAllowAnonymous>().Any() || endpoint.Metadata.OfType<AuthorizationPolicy>().Any())
            {
                return;
            }

            var name = endpoint.Metadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName
                ?? throw new InvalidOperationException($"{endpoint.DisplayName}: an API endpoint names its operation (WithName), so the role table can say who may call it.");
            endpoint.Metadata.Add(RoleTable.PolicyOf(name));
        });
        return group;
    }

    /// <summary>Only callers with one of <paramref name="roles"/> reach the endpoint; others get 403.</summary>
    public static TBuilder Allow<TBuilder>(this TBuilder endpoint, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireRole(roles));
}
