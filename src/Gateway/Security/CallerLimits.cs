using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway.Security;

/// <summary>
/// Each caller's limits per minute (<see cref="LimitsOptions"/>): for the endpoints that name one
/// (<c>RequireRateLimiting</c>), and for the wallboard hub's joins, which pass no HTTP limit once the
/// socket is open. One limiter, owned by the gateway's services and disposed with them. ASP.NET
/// Core's rate-limiting middleware never disposes its limiter, whose timer keeps the middleware, the
/// request pipeline and so the whole host alive after it stopped: a test process that starts a
/// gateway per test class grew to 17 GB.
/// </summary>
internal sealed class CallerLimits(IOptions<LimitsOptions> options) : IDisposable
{
    /// <summary>Joins of the wallboard hub (a join reads whole boards): as many as reads, counted apart.</summary>
    public const string HubJoins = "hub-joins";

    private readonly PartitionedRateLimiter<(string Limit, string Caller)> limiter =
        PartitionedRateLimiter.Create<(string Limit, string Caller), (string Limit, string Caller)>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, partition => new FixedWindowRateLimiterOptions
            {
                PermitLimit = PerMinute(options.Value, partition.Limit),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));

    /// <summary>Whether <paramref name="callerId"/> may do what <paramref name="limit"/> counts once more this minute.</summary>
    public bool TryAcquire(string limit, string callerId)
    {
        using var lease = limiter.AttemptAcquire((limit, callerId));
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();

    /// <summary>
    /// After authorization: an endpoint that names a limit answers 429 (with <c>Retry-After</c>) to
    /// a caller past it, before anything is done.
    /// </summary>
    public static async Task Enforce(HttpContext http, RequestDelegate next)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName is { } limit
            && !http.RequestServices.GetRequiredService<CallerLimits>().TryAcquire(limit, Caller.Of(http).Id))
        {
            http.Response.Headers.RetryAfter = "60";
            await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: "This caller sent more than its limit per minute; try again shortly.").ExecuteAsync(http);
            return;
        }

        await next(http);
    }

    private static int PerMinute(LimitsOptions limits, string limit) => limit switch
    {
        SecurityExtensions.IntakeLimit => limits.IntakePerMinute,
        SecurityExtensions.CallEventsLimit => limits.CallEventsPerMinute,
        SecurityExtensions.ReadsLimit or HubJoins => limits.ReadsPerMinute,
        _ => throw new InvalidOperationException($"An endpoint names the limit '{limit}', which the gateway does not have."),
    };
}
