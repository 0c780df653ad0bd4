namespace Broker.Testing.Storage;

/// <summary>
/// The bytes of one simulated file: fixed-size pages, absent pages read as zeros, so a file
/// extended to gigabytes costs nothing until written. <see cref="Clone"/> shares pages and both
/// sides copy a page before their next write to it (copy on write), so snapshots are cheap.
/// </summary>
internal sealed class SparseContent
{
    private const int PageSize = 4096;

    private readonly Dictionary<long, byte[]> _pages;
    private readonly HashSet<long> _ownedPages = [];

    public SparseContent()
    {
        _pages = [];
    }

    private SparseContent(Dictionary<long, byte[]> pages, long length)
    {
        _pages = pages;
        Length = length;
    }

    public long Length { get; private set; }

    public SparseContent Clone()
    {
        // Every page becomes shared: neither side may write into it in place any more.
        _ownedPages.Clear();
        return new SparseContent(new Dictionary<long, byte[]>(_pages), Length);
    }

    public int Read(long offset, Span<byte> destination)
    {
        if (offset >= Length)
        {
            return 0;
        }

        var count = (int)Math.Min(destination.Length, Length - offset);
        var done = 0;
        while (done < count)
        {
            var position = offset + done;
            var pageIndex = position / PageSize;
            var inPage = (int)(position % PageSize);
            var chunk = Math.Min(count - done, PageSize - inPage);
            var target = destination.Slice(done, chunk);
            if (_pages.TryGetValue(pageIndex, out var page))
            {
                page.AsSpan(inPage, chunk).CopyTo(target);
            }
            else
            {
                target.Clear();
            }

            done += chunk;
        }

        return count;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[checked((int)Length)];
        _ = Read(0, bytes);
        return bytes;
    }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (data.IsEmpty)
        {
            // pwrite of nothing does not extend the file.
            return;
        }

        var done = 0;
        while (done < data.Length)
        {
            var position = offset + done;
            var pageIndex = position / PageSize;
            var inPage = (int)(position % PageSize);
            var chunk = Math.Min(data.Length - done, PageSize - inPage);
            data.Slice(done, chunk).CopyTo(WritablePage(pageIndex).AsSpan(inPage, chunk));
            done += chunk;
        }

        Length = Math.Max(Length, offset + data.Length);
    }

    public void SetLength(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length < Length)
        {
            // Bytes past the new end must read as zeros if the file grows again.
            var lastPage = length / PageSize;
            foreach (var index in _pages.Keys.Where(index => index > lastPage || (index == lastPage && length % PageSize == 0)).ToList())
            {
                _ = _pages.Remove(index);
                _ = _ownedPages.Remove(index);
            }

            var inPage = (int)(length % PageSize);
            if (inPage != 0 && _pages.ContainsKey(lastPage))
            {
                WritablePage(lastPage).AsSpan(inPage).Clear();
            }
        }

        Length = length;
    }

    private byte[] WritablePage(long pageIndex)
    {
        if (_pages.TryGetValue(pageIndex, out var page))
        {
            if (_ownedPages.Contains(pageIndex))
            {
                return page;
            }

            page = (byte[])page.Clone();
        }
        else
        {
            page = new byte[PageSize];
        }

        _pages[pageIndex] = page;
        _ = _ownedPages.Add(pageIndex);
        return page;
    }
}
