using System.Net;
using Broker.EndToEnd.Tests.Harness;

namespace Broker.EndToEnd.Tests;

/// <summary>Issue 10, scenario 5: two concurrent check-outs of one desktop from two devices; exactly one wins.</summary>
[Collection(SharedDemo.Name)]
public sealed class ConcurrentCheckOutTests(DemoFixture fixture) : IAsyncDisposable
{
    private const string Racer = "racer";
    private const string RacerPassword = "Racer-password-1";

    private readonly DemoWorld _world = fixture.World;
    private readonly List<DeviceAgent> _devices = [];

    [Fact]
    public async Task Two_devices_check_out_one_desktop_at_once_and_exactly_one_wins()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await _world.Admin.RunAsync(["admin", "users", "create", "--name", Racer, "--password-stdin"], cancellationToken, RacerPassword + "\n");
        await _world.Admin.RunAsync(["admin", "pools", "entitle", "demo", "--user", Racer], cancellationToken);
        _devices.Add(await DeviceAgent.EnrollAsync(_world, fixture.File("laptop-1"), Racer, RacerPassword, cancellationToken));
        _devices.Add(await DeviceAgent.EnrollAsync(_world, fixture.File("laptop-2"), Racer, RacerPassword, cancellationToken));
        using var racer = await UserApi.SignInAsync(_world, Racer, RacerPassword, fixture.File("racer"), cancellationToken);
        var desktop = await racer.DesktopInPoolAsync("demo", cancellationToken);
        var devices = await racer.DevicesAsync(cancellationToken);
        devices.Count.ShouldBe(2);

        var answers = await Task.WhenAll(devices.Select(device => racer.CheckOutAsync(desktop, device, cancellationToken)));

        try
        {
            var statuses = answers.Select(answer => answer.StatusCode).Order().ToList();
            statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.Conflict], string.Join("\n", await Task.WhenAll(answers.Select(answer => answer.Content.ReadAsStringAsync(cancellationToken)))));
            var winner = devices[Array.FindIndex(answers, answer => answer.StatusCode == HttpStatusCode.OK)];
            (await racer.DesktopAsync(desktop, cancellationToken)).GetProperty("deviceId").GetGuid().ShouldBe(winner);
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        TestContext.Current.AddAttachment("demo logs", _world.Logs());
        foreach (var device in _devices)
        {
            TestContext.Current.AddAttachment($"device log {_devices.IndexOf(device) + 1}", device.Log());
            await device.DisposeAsync();
        }
    }
}
