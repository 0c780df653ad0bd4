using Broker.HostAgent.Enrollment;
using Broker.Testing;

namespace Broker.HostAgent.Tests.Enrollment;

public sealed class HostIdentityTests
{
    [Fact]
    public async Task SaveAsync_ThenLoadAsync_RoundTripsAndOnlyTheOwnerMayRead()
    {
        using var directory = new TempDirectory("broker-host-identity-");
        var identity = new HostIdentity(new Uri("https://broker.example"), Guid.NewGuid().ToString(), "brk_agent_secret", "-----BEGIN PUBLIC KEY-----");

        await identity.SaveAsync(directory.Path, TestContext.Current.CancellationToken);
        var loaded = await HostIdentity.LoadAsync(directory.Path, TestContext.Current.CancellationToken);

        loaded.ShouldBe(identity);
        OperatingSystem.IsWindows().ShouldBeFalse("the host agent runs on Linux");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.Combine(directory.Path, HostIdentity.FileName)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public async Task LoadAsync_NotEnrolled_IsNull()
    {
        using var directory = new TempDirectory("broker-host-identity-");

        (await HostIdentity.LoadAsync(directory.Path, TestContext.Current.CancellationToken)).ShouldBeNull();
    }

    [Fact]
    public async Task LoadAsync_Garbage_IsInvalidData()
    {
        using var directory = new TempDirectory("broker-host-identity-");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, HostIdentity.FileName), "{ not json", TestContext.Current.CancellationToken);

        await Should.ThrowAsync<InvalidDataException>(() => HostIdentity.LoadAsync(directory.Path, TestContext.Current.CancellationToken));
    }
}
