-- Articles indexed before the function-word signal (version 9) have no function-word LSH
-- buckets, so a heavy spin of one would not find it. Every indexed article is queued here;
-- the next run computes its missing buckets (within the story window) and empties the queue.
-- In a warehouse that had them already, re-adding changes nothing.
CREATE TABLE story_rebucket (article_key VARCHAR PRIMARY KEY);
INSERT INTO story_rebucket SELECT article_key FROM articles WHERE text_hash IS NOT NULL;
