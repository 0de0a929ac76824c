using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace HotlineGrains.Gateway.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>. What every endpoint shares is described here
/// once, from the endpoint's own metadata, rather than repeated on each: the 401 and 403 answers
/// follow from its authorization, the 429 from its rate limit, the 413 and 415 from its JSON body.
/// What differs per endpoint (its operationId via <c>WithName</c>, summary, tag, body and the
/// 400/404/409/412 its handler gives) stays beside the endpoint.
/// </summary>
internal static class ApiDocument
{
    public const string BearerScheme = "Bearer";

    /// <summary>The tags the endpoints are grouped by (<c>WithTags</c>), each with what it holds.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        [Projects] = "Projects (managed properties): configuration, the complaint register, daily summaries, call events from the phone switch, line faults.",
        [Tickets] = "Tickets: intake, the register, a ticket with its SLA clocks, the handling form.",
        [TicketSteps] = "The workflow: one endpoint per step, each with its own body. Send If-Match with the ticket's ETag.",
        [Agents] = "Agents: profiles, presence and delegates, and the floor of a project.",
        [Customers] = "Customers: who they are, their tickets and relationship callbacks.",
        [Audit] = "Who read or changed which ticket or customer.",
        [Reports] = "Management reports: statistics over a day, ISO week, month or range, as JSON, CSV or XLSX.",
        [Demo] = "The embedded default's demo users and their tokens; absent unless Demo:Enabled.",
    };

    public const string Projects = "Projects";
    public const string Tickets = "Tickets";
    public const string TicketSteps = "Ticket steps";
    public const string Agents = "Agents";
    public const string Customers = "Customers";
    public const string Audit = "Audit";
    public const string Reports = "Reports";
    public const string Demo = "Demo";

    public static void Configure(OpenApiOptions options)
    {
        options.AddOperationTransformer(JsonBody.DescribeAsync);
        options.AddOperationTransformer(DescribeCommonAnswersAsync);
        options.AddDocumentTransformer(DescribeDocument);
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "HotlineGrains API";
        document.Info.Description = "The 400 hotline: projects, tickets and their workflow, SLA clocks, forms and the register.";

        // Every API call needs a bearer token: the Swagger UI's Authorize button takes one.
        // Operations open to anyone say so with an empty security requirement of their own.
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A hotline token. With the embedded default: POST /demo/tokens {\"user\":\"supervisor-gc\"}.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];

        // The server is the one the document is served by, named relative to it ("/", or the path
        // base): the host and scheme a request arrived with are not always the ones a client uses
        // (behind a proxy, say). No trailing slash past the root, since every path starts with one.
        var bases = (document.Servers ?? []).Select(s => Uri.TryCreate(s.Url, UriKind.Absolute, out var url) ? url.AbsolutePath : s.Url ?? "/")
            .Select(path => path.Length > 1 ? path.TrimEnd('/') : path)
            .DefaultIfEmpty("/")
            .Distinct(StringComparer.Ordinal);
        document.Servers = [.. bases.Select(path => new OpenApiServer { Url = path, Description = "The gateway this document was served by." })];

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && Tags.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The answers an operation gets from the pipeline rather than from its handler: 401 and 403
    /// from authorization, 429 from its rate limit, 413 and 415 from reading its JSON body.
    /// </summary>
    private static async Task DescribeCommonAnswersAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var services = context.ApplicationServices;
        operation.Responses ??= [];

        // The policy the authorization middleware applies: the endpoint's own, or the fallback (a signed-in user).
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = metadata.OfType<IAllowAnonymous>().Any() ? null
            : await AuthorizationPolicy.CombineAsync(policies, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>())
              ?? await policies.GetFallbackPolicyAsync();
        if (policy is null)
        {
            operation.Security = [];
        }
        else
        {
            await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized,
                "No valid bearer token: missing, expired, or not signed by the hotline's key.", cancellationToken);
            // A policy that asks more of a signed-in caller than being one (a role) turns some away.
            if (policy.Requirements.Any(r => r is not DenyAnonymousAuthorizationRequirement))
            {
                await AddProblemAsync(operation, context, StatusCodes.Status403Forbidden,
                    "The caller's role may not do this.", cancellationToken);
            }
        }

        // The endpoints that name one of the callers' limits (CallerLimits).
        var limited = metadata.OfType<EnableRateLimitingAttribute>().Any();
        if (limited)
        {
            var tooMany = await AddProblemAsync(operation, context, StatusCodes.Status429TooManyRequests,
                "Too many requests: the caller sent more than its limit per minute.", cancellationToken);
            if (tooMany is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before trying again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                };
            }
        }

        if (operation.RequestBody?.Content?.ContainsKey("application/json") == true)
        {
            await AddProblemAsync(operation, context, StatusCodes.Status413PayloadTooLarge,
                $"The body is larger than {GatewayExtensions.MaxRequestBodyBytes / 1024} KiB.", cancellationToken);
            await AddProblemAsync(operation, context, StatusCodes.Status415UnsupportedMediaType,
                "The body is not application/json.", cancellationToken);
        }
    }

    /// <summary>A problem details (RFC 9457) answer with <paramref name="status"/>, unless the endpoint already describes one.</summary>
    private static async Task<IOpenApiResponse> AddProblemAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, CancellationToken cancellationToken)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = await SchemaReferenceAsync(typeof(ProblemDetails), context, cancellationToken) },
            },
        };
        operation.Responses[key] = response;
        return response;
    }

    /// <summary>
    /// <paramref name="type"/>'s schema as a reference to <c>#/components/schemas/{type name}</c>,
    /// added there if it is not yet, so generated clients get a named type for it.
    /// </summary>
    public static async Task<IOpenApiSchema> SchemaReferenceAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("An operation transformer runs within a document.");
        var id = type.Name;
        if (document.Components?.Schemas?.ContainsKey(id) != true)
        {
            document.AddComponent(id, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        }

        return new OpenApiSchemaReference(id, document);
    }
}
