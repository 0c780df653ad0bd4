using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Broker.Server.Bench;

/// <summary>
/// Concurrent check-outs over REST (<c>POST /api/v1/me/desktops/{id}/check-out</c>) as the owning
/// users, some desktops asked for by two of the owner's devices at the same moment; then every
/// desktop must have exactly one winner (one 200, the rest 409) and be held for the winner's device.
/// </summary>
internal static class CheckOutRace
{
    /// <summary>The race's outcome as one line of text; <paramref name="failures"/> lists what broke the rule.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<BenchUser> users, int doubles, BrokerApi admin, List<string> failures, CancellationToken cancellationToken)
    {
        var requests = users.Where(user => user.DesktopId is not null)
            .SelectMany((user, index) => user.Devices.Take(index < doubles ? 2 : 1).Select(device => (User: user, Device: device.Id)))
            .ToList();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = requests.Select(async request =>
        {
            await go.Task;
            var started = Stopwatch.GetTimestamp();
            var (status, body) = await request.User.Api.TryPostAsync($"api/v1/me/desktops/{request.User.DesktopId}/check-out", new { deviceId = request.Device }, cancellationToken);
            return (request.User, request.Device, Status: status, Body: body, Ms: Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }).ToList();
        var clock = Stopwatch.StartNew();
        go.SetResult();
        var answers = await Task.WhenAll(running);
        var wall = clock.Elapsed;

        foreach (var desktop in answers.GroupBy(answer => answer.User.DesktopId!))
        {
            var winners = desktop.Where(answer => answer.Status == HttpStatusCode.OK).ToList();
            var others = desktop.Where(answer => answer.Status != HttpStatusCode.OK).ToList();
            if (winners.Count != 1 || others.Any(answer => answer.Status != HttpStatusCode.Conflict))
            {
                failures.Add($"desktop {desktop.Key}: {string.Join(", ", desktop.Select(answer => $"{(int)answer.Status} {Shorten(answer.Body)}"))}");
                continue;
            }

            var stored = await admin.GetAsync($"api/v1/admin/desktops/{desktop.Key}", cancellationToken);
            if (stored["deviceId"]?.GetValue<string>() != winners[0].Device)
            {
                failures.Add($"desktop {desktop.Key}: 200 went to device {winners[0].Device} but the broker holds it for {stored["deviceId"]} ({stored["state"]})");
            }
        }

        var latencies = answers.Select(answer => answer.Ms).Order().ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{answers.Length} requests on {answers.Select(answer => answer.User.DesktopId).Distinct().Count()} desktops in {wall.TotalMilliseconds:0} ms: " +
            $"{answers.Count(answer => answer.Status == HttpStatusCode.OK)} × 200, {answers.Count(answer => answer.Status == HttpStatusCode.Conflict)} × 409, " +
            $"{answers.Count(answer => answer.Status is not (HttpStatusCode.OK or HttpStatusCode.Conflict))} other; " +
            $"latency p50 {latencies[latencies.Count / 2]:0} ms, max {latencies[^1]:0} ms; {failures.Count} desktops broke the one-winner rule");
    }

    private static string Shorten(string text) => text.Length > 160 ? text[..160] : text;
}
