using System.Collections.Concurrent;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using CsCheck;

namespace Broker.Core.Tests.Desktops;

/// <summary>Invariants over random event sequences: the machine's promises hold whatever arrives in whatever order.</summary>
public sealed class DesktopStateMachinePropertyTests
{
    private static readonly DesktopEventKind[] Kinds = Enum.GetValues<DesktopEventKind>();

    /// <summary>
    /// One step of a sequence: <c>Choice</c> picks the event, <c>Mode</c> how. Modes 0–5 pick among
    /// the events legal right now but delete (so sequences reach deep states); 6–7 any kind at the
    /// current epoch (mostly illegal); 8 any kind at an older epoch; 9 any kind at a newer one.
    /// </summary>
    private static readonly Gen<(int Choice, int Mode)[]> Sequences =
        Gen.Select(Gen.Int[0, 1_000], Gen.Int[0, 9]).Array[1, 120];

    [Fact]
    public void Apply_RandomEventSequences_NeverDecreaseTheEpochNorAllowTwoWriters()
    {
        // Arrange
        var visited = new ConcurrentDictionary<DesktopState, int>();

        // Act + Assert (per step)
        Sequences.Sample(steps =>
        {
            var desktop = DesktopSamples.Created();
            foreach (var (choice, mode) in steps)
            {
                if (NextEvent(desktop, choice, mode) is not { } @event)
                {
                    continue;
                }

                var result = DesktopStateMachine.Apply(desktop, @event);
                Violation(desktop, @event, result).ShouldBeNull();
                desktop = result.Desktop;
                visited.AddOrUpdate(desktop.State, 1, (_, count) => count + 1);
            }
        }, iter: 3_000);

        // Assert: the sequences went everywhere, so the invariants were checked in every state.
        visited.Keys.Order().ShouldBe(Enum.GetValues<DesktopState>());
    }

    /// <summary>The first promise <paramref name="result"/> breaks, or <see langword="null"/>.</summary>
    private static string? Violation(Desktop before, DesktopEvent @event, TransitionResult result)
    {
        var after = result.Desktop;
        if (after.Epoch < before.Epoch)
        {
            return $"epoch decreased on {@event} in {before.State}";
        }

        if (HasTwoWriters(after))
        {
            return $"two writers after {@event} in {before.State}";
        }

        if (Writer(after) != Writer(before) && after.Epoch <= before.Epoch)
        {
            return $"authority moved on {@event} in {before.State} without a new epoch";
        }

        if (!result.IsAccepted && (!ReferenceEquals(after, before) || result.Commands.Count != 0))
        {
            return $"refused {@event} in {before.State} changed the desktop or issued commands";
        }

        return result.Commands.Any(command => command.Epoch != after.Epoch)
            ? $"a command of {@event} in {before.State} carries another epoch than {after.Epoch}"
            : null;
    }

    /// <summary>The server copy is unlocked while a device holds a lease for the current epoch.</summary>
    private static bool HasTwoWriters(Desktop desktop) =>
        !desktop.ServerCopyLocked && desktop.Device is not null && desktop.Lease is { } lease && lease.Epoch == desktop.Epoch;

    /// <summary>Who may write: the device holding a current lease, or the server (<see langword="null"/>).</summary>
    private static DeviceId? Writer(Desktop desktop) =>
        desktop.Lease is { } lease && lease.Epoch == desktop.Epoch ? desktop.Device : null;

    private static DesktopEvent? NextEvent(Desktop desktop, int choice, int mode)
    {
        var any = Kinds[choice % Kinds.Length];
        switch (mode)
        {
            case 8:
                return DesktopSamples.Event(any, new Epoch(desktop.Epoch.Value - 1 - (choice % 3)));
            case 9:
                return DesktopSamples.Event(any, new Epoch(desktop.Epoch.Value + 1 + (choice % 3)));
            case 6 or 7:
                return DesktopSamples.Event(any, desktop.Epoch);
            default:
                // Delete ends a sequence, so it is left to the any-kind modes; otherwise few sequences would get far.
                var legal = Kinds
                    .Where(kind => kind != DesktopEventKind.DeleteRequested)
                    .Select(kind => DesktopSamples.Event(kind, desktop.Epoch))
                    .Where(candidate => DesktopStateMachine.Apply(desktop, candidate).IsAccepted)
                    .ToList();
                return legal.Count == 0 ? null : legal[choice % legal.Count];
        }
    }
}
