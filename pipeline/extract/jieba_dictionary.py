"""jieba's dictionary, loaded a first character at a time.

The indicator tagger (indicator.py) cuts a few short phrases per document, but jieba loads
its whole dictionary before the first cut: 350,000 words and all their prefixes, from a
9 MB cache (1.3 s of CPU), and importing jieba.posseg reads the part-of-speech tags of
dict.txt once more (0.6 s). Every run that read a file paid both, a nightly run that finds
two changed files too (issue 19).

Here the two tables a part-of-speech cut reads, jieba's FREQ (word or prefix of a word ->
frequency) and jieba.posseg's word_tag_tab (word -> tag), are kept in one file in shards by
first character, built once per machine from the dictionary jieba itself reads
(`shards()`; the file's name changes when jieba or its dictionary does). `tagger()` makes a
jieba POSTokenizer over empty tables, and `ShardedDictionary.fill(phrase, ...)` loads the
shards of the phrase's characters before it is cut. That cuts as the full dictionary does,
because every string a cut looks up starts with a character of the phrase: the fragments of
its DAG and route, the words it tags, the runs it hands to the HMM.
tests/test_jieba_dictionary.py compares the two tokenizers on the corpora's phrases.

jieba.posseg builds a default tagger over the whole dictionary when it is imported; it is
imported here with that tagger's tags left to be read when it is first used (_TagsOnFirstUse),
so code that uses jieba.posseg.cut still gets the same tags, and code that does not pays
nothing.
"""
from __future__ import annotations

import hashlib
import importlib
import io
import logging
import marshal
import mmap
import os
import struct
import sys
import tempfile
from pathlib import Path


def _import_jieba():
    """jieba, imported without pkg_resources: jieba's _compat imports it (0.17 s, and it is
    deprecated) only to open jieba's own files, and opens them directly when it cannot."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        return importlib.import_module("jieba")
    sys.modules["pkg_resources"] = None  # an import of it raises ImportError
    try:
        return importlib.import_module("jieba")
    finally:
        del sys.modules["pkg_resources"]


jieba = _import_jieba()

FORMAT = 1  # of the shards file; a new format is a new file name
_HEADER = struct.Struct("<Q")  # the length of the marshalled index that follows it


def cache_dir() -> Path:
    """Where the shards file is kept: $XDG_CACHE_HOME/gazette, else ~/.cache/gazette."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gazette"


def _dictionary_path() -> Path:
    return Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME


class ShardedDictionary:
    """jieba's FREQ and word tags by first character, and their total frequency."""

    def __init__(self, data: bytes | mmap.mmap):
        (length,) = _HEADER.unpack_from(data, 0)
        self.index, self.total = marshal.loads(data[_HEADER.size:_HEADER.size + length])
        self._data = memoryview(data)
        self._base = _HEADER.size + length
        self._loaded: set[str] = set()

    def fill(self, text: str, freq: dict, tags: dict) -> None:
        """Adds the entries of every character of `text` not seen before to `freq` and `tags`."""
        for ch in set(text).difference(self._loaded):
            self._loaded.add(ch)
            where = self.index.get(ch)
            if where is not None:
                start, length = where
                shard_freq, shard_tags = marshal.loads(self._data[self._base + start:self._base + start + length])
                freq.update(shard_freq)
                tags.update(shard_tags)


def build(dictionary: Path) -> bytes:
    """The shards file of a jieba dictionary file, read as jieba reads it (gen_pfdict for
    the frequencies, jieba.posseg's load_word_tag for the tags)."""
    with dictionary.open("rb") as handle:
        freq, total = jieba.Tokenizer.gen_pfdict(handle)
    tags: dict[str, str] = {}
    with dictionary.open("rb") as handle:
        for line in handle:
            line = line.strip().decode("utf-8")
            if line:
                word, _, tag = line.split(" ")  # posseg's reading: a line of other shape is its error
                tags[word] = tag
    by_first: dict[str, tuple[dict, dict]] = {}
    for key, value in freq.items():
        by_first.setdefault(key[0], ({}, {}))[0][key] = value
    for key, value in tags.items():
        by_first.setdefault(key[0], ({}, {}))[1][key] = value
    index, body = {}, io.BytesIO()
    for ch, shard in by_first.items():
        blob = marshal.dumps(shard)
        index[ch] = (body.tell(), len(blob))
        body.write(blob)
    head = marshal.dumps((index, total))
    return _HEADER.pack(len(head)) + head + body.getvalue()


def shards() -> ShardedDictionary:
    """jieba's default dictionary in shards: from the cache file, built (and written, where
    the cache folder can be written) when there is none for this jieba and dictionary."""
    dictionary = _dictionary_path()
    status = dictionary.stat()
    key = hashlib.sha256(repr((FORMAT, jieba.__version__, str(dictionary), status.st_size,
                               status.st_mtime_ns)).encode()).hexdigest()[:16]
    path = cache_dir() / f"jieba-{key}.shards"
    try:
        with path.open("rb") as handle:
            return ShardedDictionary(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError, EOFError, TypeError, struct.error):
        pass  # none yet, or unreadable: built again
    data = build(dictionary)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written: this run works from memory
    return ShardedDictionary(data)


class _TagsOnFirstUse(dict):
    """jieba.posseg's default tagger's tags, read from its dictionary when first used:
    each way of reading them reads them first, into the tagger, and then reads there."""

    def __init__(self, tagger):
        super().__init__()
        self._tagger = tagger

    def _tags(self) -> dict:
        tagger = self._tagger
        if tagger.word_tag_tab is self:
            tagger.load_word_tag(tagger.tokenizer.get_dict_file())  # replaces word_tag_tab
        return tagger.word_tag_tab

    def get(self, *args):
        return self._tags().get(*args)

    def __getitem__(self, key):
        return self._tags()[key]

    def __contains__(self, key):
        return key in self._tags()

    def __iter__(self):
        return iter(self._tags())

    def __len__(self):
        return len(self._tags())

    def keys(self):
        return self._tags().keys()

    def items(self):
        return self._tags().items()

    def values(self):
        return self._tags().values()

    def update(self, *args, **kwargs):
        self._tags().update(*args, **kwargs)

    def __setitem__(self, key, value):
        self._tags()[key] = value


def posseg():
    """jieba.posseg, imported without reading the tags of its default tagger until that
    tagger is used (importing it reads them: 0.6 s)."""
    if "jieba.posseg" in sys.modules:
        return sys.modules["jieba.posseg"]
    default = jieba.dt
    default.get_dict_file = lambda: io.BytesIO()  # what the import's tagger reads: nothing
    try:
        module = importlib.import_module("jieba.posseg")
    finally:
        del default.get_dict_file  # the Tokenizer method again
    module.dt.word_tag_tab = _TagsOnFirstUse(module.dt)
    return module


class ShardedTagger:
    """A jieba part-of-speech tagger over jieba's default dictionary in shards, with words
    of its own; `lcut(phrase)` cuts as jieba.posseg.POSTokenizer over the whole dictionary
    with the same words added would."""

    def __init__(self, words: dict[str, str | None]):
        jieba.setLogLevel(logging.WARNING)
        self.dictionary = shards()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = {}, self.dictionary.total, True
        self._tagger = object.__new__(posseg().POSTokenizer)  # its __init__ reads the whole dictionary
        self._tagger.tokenizer, self._tagger.word_tag_tab = tokenizer, {}
        for word, tag in words.items():
            # add_word looks up the word's characters (suggest_freq) and its prefixes: loaded first
            self._fill(word)
            tokenizer.add_word(word, tag=tag)

    def _fill(self, text: str) -> None:
        self.dictionary.fill(text, self._tagger.tokenizer.FREQ, self._tagger.word_tag_tab)

    def lcut(self, phrase: str) -> list:
        """`phrase` cut into jieba's pairs (word, flag)."""
        self._fill(phrase)
        return self._tagger.lcut(phrase)
