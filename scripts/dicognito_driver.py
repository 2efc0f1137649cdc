#!/usr/bin/env python3
# dicognito's own command line stops at the first file it cannot handle (and 0.19's console script
# does not start at all), so this driver repeats its main loop - same anonymizer, same
# burned-in-annotation guard defaults, same in-place save - with an error caught per file.
#
#   dicognito_driver.py FOLDER WRITTEN_LIST   (anonymizes FOLDER in place)
import logging, os, sys
import pydicom
from dicognito.anonymizer import Anonymizer
from dicognito.filters import BurnedInAnnotationGuard, SaveInPlace
from dicognito.pipeline import Pipeline

logging.basicConfig(format="", level=logging.ERROR)
root, written_list = sys.argv[1:]
anonymizer = Anonymizer()
pipeline = Pipeline()
pipeline.add(BurnedInAnnotationGuard("if-yes", "warn"))
pipeline.add(SaveInPlace())
pipeline.before_any()
written = []
for dirpath, _, names in os.walk(root):
    for name in sorted(names):
        path = os.path.join(dirpath, name)
        try:
            with pydicom.dcmread(path, force=False) as dataset:
                pipeline.before_each(dataset)
                anonymizer.anonymize(dataset)
                pipeline.after_each(dataset)
            written.append(path)
        except Exception as e:  # the CLI would stop here; count the file as not written
            print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)
pipeline.after_all()
with open(written_list, "w") as f:
    f.write("".join(p + "\n" for p in written))
