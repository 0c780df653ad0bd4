namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// The demo user's desktop in pool <c>demo</c>, as the scenarios drive it: the REST API as user
/// <c>demo</c> on the server side, <c>brokerctl desktop</c> on the demo laptop's client agent, and
/// the console QEMU writes on each side.
/// </summary>
internal sealed class DemoDesktop : IDisposable
{
    private DemoDesktop(DemoWorld world, UserApi user, Guid id, string name, LocalDesktops laptop)
    {
        User = user;
        Id = id;
        Name = name;
        Laptop = laptop;
        HostConsole = Path.Combine(world.StateDirectory, "host", "desktops", id.ToString(), "serial.log");
        LaptopConsole = Path.Combine(world.StateDirectory, "client", "desktops", id.ToString(), "serial.log");
    }

    /// <summary>User <c>demo</c> on the REST API.</summary>
    public UserApi User { get; }

    public Guid Id { get; }

    /// <summary>The desktop's name, as <c>brokerctl desktop</c> takes it.</summary>
    public string Name { get; }

    /// <summary><c>brokerctl desktop</c> on the demo laptop's client agent.</summary>
    public LocalDesktops Laptop { get; }

    /// <summary>The host agent's serial log of the desktop.</summary>
    public string HostConsole { get; }

    /// <summary>The client agent's serial log of the desktop.</summary>
    public string LaptopConsole { get; }

    /// <summary>Signs in as <c>demo</c> and finds their desktop; <paramref name="file"/> names the brokerctl config homes.</summary>
    public static async Task<DemoDesktop> OpenAsync(DemoWorld world, Func<string, string> file, CancellationToken cancellationToken)
    {
        var user = await UserApi.SignInAsync(world, "demo", world.Credential("demo-password"), file("demo-user"), cancellationToken);
        try
        {
            var id = await user.DesktopInPoolAsync("demo", cancellationToken);
            var name = (await user.DesktopAsync(id, cancellationToken)).GetProperty("name").GetString().ShouldNotBeNull();
            return new DemoDesktop(world, user, id, name, new LocalDesktops(new Brokerctl(file("laptop-user")), world.ClientSocket));
        }
        catch
        {
            user.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the broker shows the desktop <c>Available</c> (back on the server).</summary>
    public Task WaitUntilAvailableAsync(CancellationToken cancellationToken) =>
        Polling.UntilAsync(
            $"the broker to show {Name} Available again",
            async token => (await User.DesktopAsync(Id, token)).GetProperty("state").GetString(),
            state => state == "Available",
            TimeSpan.FromMinutes(1),
            cancellationToken);

    public void Dispose() => User.Dispose();
}
