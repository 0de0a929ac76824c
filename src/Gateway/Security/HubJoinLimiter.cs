using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway.Security;

/// <summary>
/// Joins of the wallboard hub per caller and minute (<see cref="LimitsOptions.ReadsPerMinute"/>): a
/// join reads whole boards, and hub invocations pass no HTTP rate limiter once the socket is open.
/// </summary>
internal sealed class HubJoinLimiter(IOptions<LimitsOptions> limits) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(caller =>
        RateLimitPartition.GetFixedWindowLimiter(caller, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.Value.ReadsPerMinute,
            Window = TimeSpan.FromMinutes(1),
        }));

    /// <summary>Whether <paramref name="callerId"/> may join once more this minute.</summary>
    public bool TryJoin(string callerId)
    {
        using var lease = limiter.AttemptAcquire(callerId);
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();
}
