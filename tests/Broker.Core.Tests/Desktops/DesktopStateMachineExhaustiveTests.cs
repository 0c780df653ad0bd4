using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;
using Broker.Core.Desktops.Events;

namespace Broker.Core.Tests.Desktops;

/// <summary>Every state × every event, generated from the enums, judged against <see cref="TransitionSpec"/>.</summary>
public sealed class DesktopStateMachineExhaustiveTests
{
    public static TheoryData<DesktopState, DesktopEventKind> AllPairs()
    {
        var pairs = new TheoryData<DesktopState, DesktopEventKind>();
        foreach (var state in Enum.GetValues<DesktopState>())
        {
            foreach (var kind in Enum.GetValues<DesktopEventKind>())
            {
                pairs.Add(state, kind);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Apply_AtCurrentEpoch_FollowsTheDocumentedTable(DesktopState state, DesktopEventKind kind)
    {
        // Arrange
        var before = DesktopSamples.InState(state);
        var spec = TransitionSpec.Find(state, kind);

        // Act
        var result = DesktopStateMachine.Apply(before, DesktopSamples.Event(kind, before.Epoch));

        // Assert
        if (spec is null)
        {
            result.Error.ShouldBe(new IllegalTransition(state, kind));
            result.Desktop.ShouldBeSameAs(before);
            result.Commands.ShouldBeEmpty();
            return;
        }

        result.Error.ShouldBeNull();
        var after = result.Desktop;
        after.State.ShouldBe(spec.To);
        after.Epoch.ShouldBe(new Epoch(before.Epoch.Value + spec.EpochIncrement));
        result.Commands.Select(command => command.GetType()).ShouldBe(spec.Commands);
        foreach (var command in result.Commands)
        {
            command.Desktop.ShouldBe(before.Id);
            command.Epoch.ShouldBe(after.Epoch, $"{command} must carry the new epoch");
            if (command is HostCommand hostCommand)
            {
                hostCommand.Host.ShouldBe(before.Host);
            }
            else
            {
                ((DeviceCommand)command).Device.ShouldBe(DesktopSamples.DeviceA);
            }
        }

        (after.DeviceHoldsAuthority && !after.ServerCopyLocked).ShouldBeFalse("two writers");
        (after.Id, after.Pool, after.Host, after.Version).ShouldBe((before.Id, before.Pool, before.Host, before.Version));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Apply_WithOlderEpoch_IsRejectedAsStale(DesktopState state, DesktopEventKind kind)
    {
        // Arrange
        var before = DesktopSamples.InState(state);
        var older = new Epoch(before.Epoch.Value - 1);

        // Act
        var result = DesktopStateMachine.Apply(before, DesktopSamples.Event(kind, older));

        // Assert
        result.Error.ShouldBe(new StaleEpoch(state, kind, before.Epoch, older));
        result.Desktop.ShouldBeSameAs(before);
        result.Commands.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Apply_WithNewerEpoch_IsRejectedAsUnknown(DesktopState state, DesktopEventKind kind)
    {
        // Arrange
        var before = DesktopSamples.InState(state);
        var newer = before.Epoch.Next();

        // Act
        var result = DesktopStateMachine.Apply(before, DesktopSamples.Event(kind, newer));

        // Assert
        result.Error.ShouldBe(new UnknownEpoch(state, kind, before.Epoch, newer));
        result.Desktop.ShouldBeSameAs(before);
        result.Commands.ShouldBeEmpty();
    }

    [Fact]
    public void TransitionSpec_EveryEntry_NamesADistinctPair()
    {
        // Arrange
        var pairs = TransitionSpec.All.Select(spec => (spec.From, spec.Event)).ToList();

        // Act
        var distinct = pairs.Distinct().Count();

        // Assert
        distinct.ShouldBe(pairs.Count);
    }

    [Fact]
    public void DesktopEventKind_EveryMember_HasAnEventTypeReportingIt()
    {
        // Arrange
        var kinds = Enum.GetValues<DesktopEventKind>();

        // Act
        var reported = kinds.Select(kind => DesktopSamples.Event(kind, Epoch.Initial).Kind);

        // Assert
        reported.ShouldBe(kinds);
    }
}
