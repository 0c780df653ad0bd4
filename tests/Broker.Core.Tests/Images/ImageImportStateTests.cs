using Broker.Core.Hosts;
using Broker.Core.Images;

namespace Broker.Core.Tests.Images;

public sealed class ImageImportStateTests
{
    public static TheoryData<bool, ImageHostImportState[], ImageImportState> Cases { get; } = new()
    {
        { false, [], ImageImportState.Uploaded },
        { false, [ImageHostImportState.Offered], ImageImportState.Distributing },
        { false, [ImageHostImportState.Offered, ImageHostImportState.Failed], ImageImportState.Distributing },
        { false, [ImageHostImportState.Failed], ImageImportState.Failed },
        { false, [ImageHostImportState.Failed, ImageHostImportState.Failed], ImageImportState.Failed },
        { false, [ImageHostImportState.Failed, ImageHostImportState.Imported], ImageImportState.Ready },
        { false, [ImageHostImportState.Imported, ImageHostImportState.Offered], ImageImportState.Ready },
        { true, [], ImageImportState.Ready },
        { true, [ImageHostImportState.Failed], ImageImportState.Ready },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void StateOf_TheHostsStates_IsReadyOnOneImport_FailedOnlyWhenEveryHostThatTriedFailed(bool registered, ImageHostImportState[] hosts, ImageImportState expected)
    {
        var image = ImageId.New();
        var states = hosts.Select(state => new ImageImportHost { Image = image, Host = HostId.New(), State = state, UpdatedAt = DateTimeOffset.UnixEpoch }).ToList();

        ImageImport.StateOf(registered, states).ShouldBe(expected);
    }
}
