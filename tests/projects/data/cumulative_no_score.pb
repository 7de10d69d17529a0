META
key;value
description;Vote cumulatif sans colonne score
country;France
unit;Lyon
instance;2026
num_projects;2
num_votes;4
budget;60
vote_type;cumulative
rule;greedy
max_sum_points;5
currency;EUR
PROJECTS
project_id;cost;votes;name
A;60;3;Plus de voix
B;60;2;Plus de points
VOTES
voter_id;vote;points
1;A;1
2;A;1
3;A,B;1,4
4;B;4
