namespace Broker.ClientAgent.Tests.Leases;

/// <summary>A clock a test can turn back, as a user can; <c>FakeTimeProvider</c> only moves forward.</summary>
internal sealed class SettableClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset UtcNow { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => UtcNow;
}
