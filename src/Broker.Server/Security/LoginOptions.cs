using System.ComponentModel.DataAnnotations;

namespace Broker.Server.Security;

/// <summary>How hard the portal login resists guessing (section <c>Security:Login</c>). Validated at start.</summary>
internal sealed class LoginOptions
{
    public const string SectionName = "Security:Login";

    /// <summary>Wrong passwords in a row before the account is locked.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Login attempts (form posts) one client address may make per <see cref="RateLimitWindow"/>.</summary>
    [Range(1, 10_000)]
    public int RateLimitPermits { get; set; } = 10;

    /// <summary>The fixed window the rate limit counts in.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);
}
